using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using Sluice.Hosting;
using Sluice.Oci;
using Sluice.Oci.Building;
using Sluice.Oci.Distribution;

namespace Sluice.Cli.Commands;

/// <summary>
/// <c>sluice image build</c>: a multi-platform image built without a daemon, from a base image in a
/// registry and a directory of files per platform, pushed by digest. Catalog tasks run it in a step.
/// </summary>
internal static class ImageCommand
{
    private static readonly Option<string> Base = new("--base") { Description = "The base image in a registry: an image index with every platform, such as registry.example/dotnet/runtime-deps:10.0", Required = true };
    private static readonly Option<string[]> Platform = new("--platform") { Description = "A platform and the directory of its files: linux/amd64=out/linux-x64 (repeatable, one per platform)", Required = true };
    private static readonly Option<string> Push = new("--push") { Description = "The repository to push to, by digest; a tag (repository:tag) is pointed at the index last", Required = true };
    private static readonly Option<string> Target = new("--target") { Description = "Where the files land in the image", DefaultValueFactory = _ => "/app" };
    private static readonly Option<string[]> Entrypoint = new("--entrypoint") { Description = "The entrypoint, one argument per option (repeatable); resets the base image's default arguments" };
    private static readonly Option<string[]> Cmd = new("--cmd") { Description = "The default arguments, one per option (repeatable)" };
    private static readonly Option<string[]> Env = new("--env") { Description = "An environment variable NAME=VALUE over the base image's (repeatable)" };
    private static readonly Option<string[]> Label = new("--label") { Description = "A label NAME=VALUE over the base image's (repeatable)" };
    private static readonly Option<string?> WorkingDir = new("--workdir") { Description = "The working directory" };
    private static readonly Option<string?> User = new("--user") { Description = "The user the image runs as, such as 1654 or app" };
    private static readonly Option<long?> SourceDateEpoch = new("--source-date-epoch") { Description = "The time of the files and the configuration, in seconds since 1970 (default: $SOURCE_DATE_EPOCH, else 0), so that a build is reproducible" };
    private static readonly Option<string?> DigestFile = new("--digest-file") { Description = "Write the index's digest (sha256:...) to this file, such as a Tekton result's path" };

    public static Command Create()
    {
        var build = new Command("build", "Build a multi-platform image without a daemon: each platform's files as one layer on the base image's, pushed by digest.\n\nExample:\n  sluice image build --base localhost:5000/dotnet/runtime-deps:10.0 \\\n    --platform linux/amd64=out/linux-x64 --platform linux/arm64=out/linux-arm64 \\\n    --entrypoint /app/Hello.Service --push localhost:5000/hello")
        {
            Base, Platform, Push, Target, Entrypoint, Cmd, Env, Label, WorkingDir, User, SourceDateEpoch, DigestFile,
        };
        build.SetAction(BuildAsync);
        return new Command("image", "Container images in registries, built without a daemon") { build };
    }

    private static async Task<int> BuildAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var baseImage = Reference(parse.GetValue(Base)!, "--base", problems);
        var destination = Reference(parse.GetValue(Push)!, "--push", problems);
        var platforms = ImmutableArray.CreateBuilder<PlatformSource>();
        foreach (var text in parse.GetValue(Platform) ?? [])
        {
            var (name, directory) = Pair(text, "--platform", "linux/amd64=out/linux-x64", problems);
            if (name is null)
            {
                continue;
            }

            if (Oci.Platform.Parse(name, out var error) is not { } platform)
            {
                problems.Add($"--platform {text}: {error}");
            }
            else if (!Directory.Exists(directory))
            {
                problems.Add($"--platform {text}: no directory {Path.GetFullPath(directory!)}");
            }
            else
            {
                platforms.Add(new PlatformSource(platform, Path.GetFullPath(directory!)));
            }
        }

        var env = Pairs(parse.GetValue(Env), "--env", problems);
        var labels = Pairs(parse.GetValue(Label), "--label", problems);
        var epoch = parse.GetValue(SourceDateEpoch) ?? EpochFromEnvironment(problems);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
            }

            return ExitCodes.InvalidInput;
        }

        var credentials = DockerCredentials.Load(DockerCredentials.DefaultPath, out var credentialError);
        if (credentials is null)
        {
            await Console.Error.WriteLineAsync($"error: {credentialError}").ConfigureAwait(false);
            return ExitCodes.EnvironmentError;
        }

        var entrypoint = parse.GetValue(Entrypoint) is { Length: > 0 } e ? e.ToImmutableArray() : (ImmutableArray<string>?)null;
        var cmd = parse.GetValue(Cmd) is { Length: > 0 } c ? c.ToImmutableArray() : (ImmutableArray<string>?)null;
        var request = new ImageBuildRequest
        {
            Base = baseImage!,
            Platforms = platforms.ToImmutable(),
            Destination = destination!.Repository,
            Target = parse.GetValue(Target)!,
            Entrypoint = entrypoint,
            Cmd = cmd,
            Env = env,
            Labels = labels,
            WorkingDir = parse.GetValue(WorkingDir),
            User = parse.GetValue(User),
            Created = DateTimeOffset.FromUnixTimeSeconds(epoch ?? 0),
        };
        var scratch = Path.Combine(Path.GetTempPath(), "sluice-image-" + Guid.NewGuid().ToString("N"));
        using var registry = new RegistryClient(new RegistryClientOptions { Credentials = credentials });
        try
        {
            var builder = new ImageBuilder(registry, scratch)
            {
                Progress = line => Console.Error.WriteLine(line),
                Memo = new DirectoryLayerMemo(SluiceHome.FromEnvironment().LayerDigests),
            };
            var result = await builder.BuildAsync(request, cancellationToken).ConfigureAwait(false);
            var digest = result.Index.Descriptor.Digest;
            if (destination.Tag is { } tag && OciReference.NamesTag(parse.GetValue(Push)!))
            {
                var moved = await registry.TagAsync(destination.Repository, digest, tag, cancellationToken).ConfigureAwait(false);
                await Console.Error.WriteLineAsync($"tag {tag}: {(moved ? "points at the index now" : "up to date")}").ConfigureAwait(false);
            }

            if (parse.GetValue(DigestFile) is { } file)
            {
                await File.WriteAllTextAsync(file, digest.ToString(), cancellationToken).ConfigureAwait(false);
            }

            await Console.Out.WriteLineAsync($"{destination.Repository}@{digest}").ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (Exception exception) when (exception is RegistryException or InvalidOperationException or HttpRequestException or IOException)
        {
            await Console.Error.WriteLineAsync($"error: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.RunFailed;
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    private static OciReference? Reference(string text, string option, List<string> problems)
    {
        var reference = OciReference.Parse(text, out var error);
        if (reference is null)
        {
            problems.Add($"{option} {text}: {error}");
        }

        return reference;
    }

    private static (string? Name, string? Value) Pair(string text, string option, string example, List<string> problems)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            problems.Add($"{option} {text}: write NAME=VALUE, such as {option} {example}");
            return (null, null);
        }

        return (text[..equals], text[(equals + 1)..]);
    }

    private static ImmutableArray<KeyValuePair<string, string>> Pairs(string[]? texts, string option, List<string> problems) =>
        [.. (texts ?? []).Select(t => Pair(t, option, "NAME=value", problems)).Where(p => p.Name is not null).Select(p => KeyValuePair.Create(p.Name!, p.Value!))];

    private static long? EpochFromEnvironment(List<string> problems)
    {
        var text = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH");
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            return epoch;
        }

        problems.Add($"SOURCE_DATE_EPOCH={text} is not a number of seconds");
        return null;
    }
}
