using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Sluice.Engine.Images;

/// <summary>
/// A container image reference, <c>[registry/]repository[:tag][@digest]</c>, with Docker's
/// normalisation (<c>ubuntu</c> is <c>docker.io/library/ubuntu</c>).
/// </summary>
public sealed partial record ImageReference
{
    private ImageReference(string registry, string repository, string? tag, string? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry host, <c>docker.io</c> when none is named.</summary>
    public string Registry { get; }

    /// <summary>The repository path, with <c>library/</c> added for Docker Hub's official images.</summary>
    public string Repository { get; }

    /// <summary>The tag, if written.</summary>
    public string? Tag { get; }

    /// <summary>The digest (<c>sha256:...</c>), if written.</summary>
    public string? Digest { get; }

    /// <summary>Registry and repository: <c>docker.io/library/ubuntu</c>.</summary>
    public string Name => $"{Registry}/{Repository}";

    /// <summary>Parses a reference.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out ImageReference? reference)
    {
        reference = null;
        var match = Grammar().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var name = match.Groups["name"].Value;
        var tag = match.Groups["tag"].Success ? match.Groups["tag"].Value : null;
        var digest = match.Groups["digest"].Success ? match.Groups["digest"].Value : null;
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        string registry;
        string repository;
        if (slash > 0 && (name[..slash].Contains('.', StringComparison.Ordinal) || name[..slash].Contains(':', StringComparison.Ordinal) || name[..slash] == "localhost"))
        {
            registry = name[..slash];
            repository = name[(slash + 1)..];
        }
        else
        {
            registry = "docker.io";
            repository = name;
        }

        if (registry == "index.docker.io")
        {
            registry = "docker.io";
        }

        if (registry == "docker.io" && !repository.Contains('/', StringComparison.Ordinal))
        {
            repository = "library/" + repository;
        }

        reference = new ImageReference(registry, repository, tag, digest);
        return true;
    }

    /// <summary>Parses a reference or throws <see cref="FormatException"/>.</summary>
    public static ImageReference Parse(string text) =>
        TryParse(text, out var reference) ? reference : throw new FormatException($"invalid image reference \"{text}\"");

    /// <summary>The same reference with another repository name.</summary>
    public ImageReference WithName(ImageReference name) => new(name.Registry, name.Repository, Tag, Digest);

    /// <summary>The same reference without tag or digest, then with the given ones.</summary>
    public ImageReference With(string? tag, string? digest) => new(Registry, Repository, tag, digest);

    /// <summary>The short form Docker prints: <c>ubuntu:latest</c>, <c>localhost:5000/app@sha256:...</c>.</summary>
    public string ToShortString()
    {
        var name = Registry == "docker.io"
            ? Repository.StartsWith("library/", StringComparison.Ordinal) ? Repository["library/".Length..] : Repository
            : Name;
        return name + (Tag is null ? string.Empty : ":" + Tag) + (Digest is null ? string.Empty : "@" + Digest);
    }

    /// <summary>The full form: registry, repository, tag and digest as written (no default tag added).</summary>
    public override string ToString() =>
        Name + (Tag is null ? string.Empty : ":" + Tag) + (Digest is null ? string.Empty : "@" + Digest);

    [GeneratedRegex(@"^(?<name>[a-z0-9]+(?:[._-][a-z0-9]+|__)*(?::[0-9]+)?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*|[a-zA-Z0-9.-]+(?::[0-9]+)?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
