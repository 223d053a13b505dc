namespace Sluice.Model.Diagnostics;

/// <summary>A position in a source file; lines and columns count from 1.</summary>
/// <param name="File">The file as the user named it, or a label such as <c>&lt;stdin&gt;</c>.</param>
/// <param name="Line">The 1-based line.</param>
/// <param name="Column">The 1-based column.</param>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    /// <summary>A location for input that has no file, such as values given on the command line.</summary>
    public static SourceLocation None { get; } = new(string.Empty, 0, 0);

    /// <summary>Whether this location points into a file.</summary>
    public bool IsKnown => Line > 0;

    /// <inheritdoc />
    public override string ToString() => IsKnown ? $"{File}:{Line}:{Column}" : File;
}
