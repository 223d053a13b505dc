using System.Text.RegularExpressions;

namespace Sluice.Oci;

/// <summary>A repository in a registry: <c>127.0.0.1:5000/team/app</c>, <c>docker.io/library/busybox</c>.</summary>
public sealed partial record OciRepository
{
    /// <summary>Docker Hub's registry name as references spell it.</summary>
    public const string DockerHub = "docker.io";

    /// <summary>Makes a repository; <see cref="OciReference.Parse(string, out string?)"/> checks names, this does not.</summary>
    public OciRepository(string registry, string name)
    {
        Registry = registry;
        Name = name;
    }

    /// <summary>The registry host with its port, such as <c>localhost:5000</c> or <c>ghcr.io</c>.</summary>
    public string Registry { get; }

    /// <summary>The repository path inside the registry, such as <c>team/app</c>.</summary>
    public string Name { get; }

    /// <summary>A reference to a tag in this repository.</summary>
    public OciReference WithTag(string tag) => new(this, tag, null);

    /// <summary>A reference to content in this repository by digest.</summary>
    public OciReference WithDigest(Digest digest) => new(this, null, digest);

    /// <summary><c>registry/name</c>.</summary>
    public override string ToString() => $"{Registry}/{Name}";

    /// <summary>Whether a repository path is valid per the distribution-spec: lowercase components separated by slashes.</summary>
    public static bool IsValidName(string name) => name.Length <= 255 && NamePattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$")]
    private static partial Regex NamePattern();
}

/// <summary>
/// A reference to a manifest: <c>registry/repository[:tag][@digest]</c>. Without a registry, Docker's
/// rules apply (<c>busybox</c> is <c>docker.io/library/busybox</c>); without tag or digest the tag is
/// <c>latest</c>. A first component with a dot or a port, or <c>localhost</c>, is a registry.
/// </summary>
public sealed partial record OciReference
{
    /// <summary>Makes a reference; use <see cref="Parse(string, out string?)"/> for text.</summary>
    public OciReference(OciRepository repository, string? tag, Digest? digest)
    {
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The repository.</summary>
    public OciRepository Repository { get; }

    /// <summary>The tag, or null when the reference is by digest only.</summary>
    public string? Tag { get; }

    /// <summary>The digest, or null when the reference is by tag only.</summary>
    public Digest? Digest { get; }

    /// <summary>The registry host with its port.</summary>
    public string Registry => Repository.Registry;

    /// <summary>What the registry's manifest endpoint is asked for: the digest when there is one, else the tag.</summary>
    public string Identifier => Digest?.ToString() ?? Tag ?? "latest";

    /// <summary>This reference with another tag (and no digest).</summary>
    public OciReference WithTag(string tag) => new(Repository, tag, null);

    /// <summary>This reference pinned to a digest (the tag kept for display).</summary>
    public OciReference WithDigest(Digest digest) => new(Repository, Tag, digest);

    /// <summary>
    /// Reads a reference; returns null with a message naming what is wrong and how it should look.
    /// </summary>
    public static OciReference? Parse(string text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text) || text.Any(char.IsWhiteSpace))
        {
            error = $"'{text}' is not an image reference: expected registry/repository[:tag][@digest], such as localhost:5000/team/app:1.0";
            return null;
        }

        var rest = text;
        Digest? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = Oci.Digest.Parse(rest[(at + 1)..], out var digestError);
            if (digest is null)
            {
                error = $"image reference '{text}': {digestError}";
                return null;
            }

            rest = rest[..at];
        }

        string? tag = null;
        var lastColon = rest.LastIndexOf(':');
        if (lastColon > rest.LastIndexOf('/'))
        {
            tag = rest[(lastColon + 1)..];
            rest = rest[..lastColon];
            if (!TagPattern().IsMatch(tag))
            {
                error = $"image reference '{text}': tag '{tag}' is not valid (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-')";
                return null;
            }
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? null : rest[..slash];
        string registry, name;
        if (first is not null && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"))
        {
            registry = first == "index.docker.io" ? OciRepository.DockerHub : first;
            name = rest[(slash + 1)..];
        }
        else
        {
            registry = OciRepository.DockerHub;
            name = rest;
        }

        if (registry == OciRepository.DockerHub && !name.Contains('/', StringComparison.Ordinal))
        {
            name = "library/" + name;
        }

        if (!OciRepository.IsValidName(name))
        {
            error = $"image reference '{text}': repository '{name}' is not valid (lowercase letters, digits and separators '.', '_', '__', '-' between them, components joined by '/')";
            return null;
        }

        return new OciReference(new OciRepository(registry, name), tag ?? (digest is null ? "latest" : null), digest);
    }

    /// <summary>Reads a reference that must be valid.</summary>
    /// <exception cref="FormatException">The text is not a reference.</exception>
    public static OciReference Parse(string text) => Parse(text, out var error) ?? throw new FormatException(error);

    /// <summary>Whether a reference's text names a tag, rather than getting <c>latest</c> from <see cref="Parse(string)"/>.</summary>
    public static bool NamesTag(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var name = text.Split('@')[0];
        return name.LastIndexOf(':') > name.LastIndexOf('/');
    }

    /// <summary><c>registry/repository[:tag][@digest]</c>.</summary>
    public override string ToString() =>
        $"{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();
}
