using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Sluice.Engine.CustomTasks;
using Sluice.Oci;
using Sluice.Oci.Distribution;

namespace Sluice.Catalog.Custom;

/// <summary>
/// What a Dockerfile build reads, for the digest that lets a rebuild of the same inputs be skipped: the
/// context's files, the Dockerfile, the params, and the identity of every image its <c>FROM</c> lines name
/// (a local image's id, else the registry's digest). As with BuildKit's own cache, what <c>RUN</c>
/// instructions fetch from a network is not an input.
/// </summary>
public sealed partial class DockerfileBuildTask
{
    /// <summary>The digest of the build's inputs; null when the run caches nothing or a base image cannot be identified.</summary>
    private async Task<Oci.Digest?> KeyAsync(CustomTaskContext context, DockerfileBuild build, RegistryClient registry, CancellationToken cancellationToken)
    {
        if (context.Cache is not { } cache)
        {
            return null;
        }

        var dockerfile = await File.ReadAllBytesAsync(build.Dockerfile, cancellationToken).ConfigureAwait(false);
        if (BaseImages(Encoding.UTF8.GetString(dockerfile), build.BuildArgs) is not { } images)
        {
            return null;
        }

        var inputs = new List<KeyValuePair<string, string>>
        {
            KeyValuePair.Create("context", (await cache.DigestTreeAsync(build.Context, await IgnoredAsync(build.Context, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)).ToString()),
            KeyValuePair.Create("dockerfile", Oci.Digest.Sha256(dockerfile).ToString()),
        };
        foreach (var image in images.Distinct(StringComparer.Ordinal))
        {
            if (await IdentifyAsync(image, registry, cancellationToken).ConfigureAwait(false) is not { } identity)
            {
                return null;
            }

            inputs.Add(KeyValuePair.Create("from " + image, identity));
        }

        return InputKey(context, inputs);
    }

    /// <summary>The context's <c>.dockerignore</c>, when it has one, as the globs its digest leaves out.</summary>
    private static async Task<ImmutableArray<string>> IgnoredAsync(string context, CancellationToken cancellationToken)
    {
        var file = Path.Combine(context, ".dockerignore");
        return File.Exists(file) ? DockerIgnoreExcludes(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false)) : [];
    }

    /// <summary>
    /// A <c>.dockerignore</c> as .gitignore-style globs anchored at the context's root, as Docker anchors
    /// them. A file with exceptions (<c>!</c>) leaves nothing out: the digest may then cover more than Docker
    /// sends, which costs a rebuild at worst, never a stale image.
    /// </summary>
    internal static ImmutableArray<string> DockerIgnoreExcludes(string dockerignore)
    {
        var patterns = dockerignore.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (patterns.Any(p => p.StartsWith('!')))
        {
            return [];
        }

        return [.. patterns.Select(p => "/" + p.Trim('/')).Where(p => p.Length > 1)];
    }

    /// <summary>A local image's id, else the digest its registry gives; null when neither knows it.</summary>
    private static async Task<string?> IdentifyAsync(string image, RegistryClient registry, CancellationToken cancellationToken)
    {
        var reference = OciReference.Parse(image, out _);
        if (reference is { Digest: { } pinned })
        {
            return pinned.ToString();
        }

        try
        {
            var id = await DockerCommand.ReadAsync(["image", "inspect", "--format", "{{.Id}}", image], async output =>
            {
                using var reader = new StreamReader(output, Encoding.UTF8, leaveOpen: true);
                return (await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).Trim();
            }, cancellationToken).ConfigureAwait(false);
            if (id.Length > 0)
            {
                return "local " + id;
            }
        }
        catch (CatalogTaskFailure)
        {
            // Not on this machine: the registry's digest names it.
        }

        return reference is not null
            ? (await registry.HeadManifestAsync(reference, cancellationToken).ConfigureAwait(false))?.Digest.ToString()
            : null;
    }

    /// <summary>
    /// The images a Dockerfile's <c>FROM</c> lines name, their variables taken from the build args, else the
    /// global <c>ARG</c> defaults; earlier stages and <c>scratch</c> are left out. Null when a name keeps a
    /// variable nothing sets, so it cannot be identified.
    /// </summary>
    internal static IReadOnlyList<string>? BaseImages(string dockerfile, IEnumerable<string> buildArgs)
    {
        var given = buildArgs.Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var globals = new Dictionary<string, string>(StringComparer.Ordinal);
        var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var images = new List<string>();
        var seenFrom = false;
        foreach (var instruction in Instructions(dockerfile))
        {
            var words = instruction.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2)
            {
                continue;
            }

            if (!seenFrom && words[0].Equals("ARG", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var declaration in words.Skip(1))
                {
                    var parts = declaration.Split('=', 2);
                    globals[parts[0]] = given.TryGetValue(parts[0], out var value) ? value : parts.Length == 2 ? parts[1].Trim('"') : string.Empty;
                }
            }
            else if (words[0].Equals("FROM", StringComparison.OrdinalIgnoreCase))
            {
                seenFrom = true;
                var rest = words.Skip(1).SkipWhile(w => w.StartsWith("--", StringComparison.Ordinal)).ToArray();
                if (rest.Length == 0)
                {
                    continue;
                }

                // A variable nothing sets stays a '$', which no image name holds.
                var image = Variable().Replace(rest[0], m => globals.TryGetValue(m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["bare"].Value, out var value) && value.Length > 0 ? value : "$");
                if (image.Length == 0 || image.Contains('$', StringComparison.Ordinal))
                {
                    return null;
                }

                if (!stages.Contains(image) && !image.Equals("scratch", StringComparison.OrdinalIgnoreCase))
                {
                    images.Add(image);
                }

                if (rest.Length >= 3 && rest[1].Equals("AS", StringComparison.OrdinalIgnoreCase))
                {
                    stages.Add(rest[2]);
                }
            }
        }

        return images;
    }

    /// <summary>The Dockerfile's instructions, continuation lines joined and comments left out.</summary>
    private static IEnumerable<string> Instructions(string dockerfile)
    {
        var current = new StringBuilder();
        foreach (var raw in dockerfile.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current.Append(line.AsSpan(0, line.Length - 1)).Append(' ');
                continue;
            }

            current.Append(line);
            var instruction = current.ToString().Trim();
            current.Clear();
            if (instruction.Length > 0)
            {
                yield return instruction;
            }
        }

        if (current.Length > 0)
        {
            yield return current.ToString().Trim();
        }
    }

    [GeneratedRegex(@"\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?<bare>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex Variable();
}
