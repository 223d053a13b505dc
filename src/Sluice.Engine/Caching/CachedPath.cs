using System.Collections.Immutable;

namespace Sluice.Engine.Caching;

/// <summary>
/// A path in a workspace that a cached TaskRun reads or writes, written <c>WORKSPACE</c> (the whole
/// workspace) or <c>WORKSPACE:PATH</c> with <c>PATH</c> relative to where the workspace is mounted.
/// </summary>
/// <param name="Workspace">The workspace's name, as the Task declares it.</param>
/// <param name="Path">The path inside it with <c>/</c> separators, empty for the whole workspace.</param>
public sealed record CachedPath(string Workspace, string Path)
{
    /// <summary>
    /// Reads a comma-separated list such as <c>source:src, source:go.mod, cache</c>. Spaces around
    /// entries, empty entries and a trailing <c>/</c> are ignored and duplicates count once. A path may
    /// not start with <c>/</c> or hold <c>.</c> or <c>..</c> segments. Returns null with an error that
    /// names the annotation and the entry when an entry is not of this form.
    /// </summary>
    public static ImmutableArray<CachedPath>? ParseList(string annotation, string? text, out string? error)
    {
        error = null;
        var paths = ImmutableArray.CreateBuilder<CachedPath>();
        foreach (var raw in (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            var workspace = (colon < 0 ? raw : raw[..colon]).Trim();
            var path = colon < 0 ? string.Empty : raw[(colon + 1)..].Trim().TrimEnd('/');
            if (path == ".")
            {
                // The workspace itself, as a param whose default is "." names it.
                path = string.Empty;
            }
            if (workspace.Length == 0)
            {
                error = $"annotation {annotation}: \"{raw}\" names no workspace; write WORKSPACE or WORKSPACE:PATH, such as source:src";
                return null;
            }

            if (path.StartsWith('/') || path.Split('/').Any(s => s is "." or ".." || (s.Length == 0 && path.Length > 0)))
            {
                error = $"annotation {annotation}: \"{raw}\": the path must be relative to the workspace, without empty, . or .. segments, such as {workspace}:src/app";
                return null;
            }

            var parsed = new CachedPath(workspace, path);
            if (!paths.Contains(parsed))
            {
                paths.Add(parsed);
            }
        }

        return paths.ToImmutable();
    }

    /// <summary>The path as the annotation writes it.</summary>
    public override string ToString() => Path.Length == 0 ? Workspace : $"{Workspace}:{Path}";
}
