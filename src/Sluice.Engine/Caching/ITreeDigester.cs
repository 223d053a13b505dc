using System.Collections.Immutable;
using Sluice.Oci;

namespace Sluice.Engine.Caching;

/// <summary>Which files of a tree count: .gitignore-style globs relative to the tree's root.</summary>
public sealed record TreeFilter
{
    /// <summary>Only files matching one of these count (all files when empty).</summary>
    public ImmutableArray<string> Include { get; init; } = [];

    /// <summary>Files and directories matching one of these are left out.</summary>
    public ImmutableArray<string> Exclude { get; init; } = [];

    /// <summary>Whether the tree's <c>.gitignore</c> files leave out what they ignore.</summary>
    public bool UseGitignore { get; init; } = true;

    /// <summary>
    /// A directory above the tree (the workspace holding it) whose <c>.gitignore</c> files, down to the
    /// tree, apply too, as a repository's root <c>.gitignore</c> applies to each of its directories; null for none.
    /// </summary>
    public string? GitignoreFrom { get; init; }

    /// <summary>Every file but <c>.git</c> internals and what <c>.gitignore</c> ignores.</summary>
    public static TreeFilter Default { get; } = new();
}

/// <summary>A tree's content digest and what computing it cost.</summary>
public sealed record TreeDigest
{
    /// <summary>The digest of the tree's relative paths, modes and contents.</summary>
    public required Digest Digest { get; init; }

    /// <summary>How many files (and symbolic links) it covers.</summary>
    public required int Files { get; init; }

    /// <summary>How many of them were read and hashed, rather than known unchanged from their stat.</summary>
    public required int FilesHashed { get; init; }

    /// <summary>The bytes read to hash them.</summary>
    public required long BytesHashed { get; init; }
}

/// <summary>
/// Digests directory trees by content (inputs of cached work). Implementations do the file I/O the
/// engine does not: a sandbox or the composition root supplies one.
/// </summary>
public interface ITreeDigester
{
    /// <summary>The digest of the files under a directory that the filter keeps; <c>.git</c> internals never count.</summary>
    Task<TreeDigest> DigestAsync(string directory, TreeFilter filter, CancellationToken cancellationToken);
}
