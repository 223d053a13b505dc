namespace Sluice.Testing.Git;

/// <summary>
/// What a commit made by <see cref="GitServer"/> or <see cref="GitRepository"/> says about itself: its
/// message, its author (who is also its committer) and its date (author and committer date alike), so a
/// test knows the SHA and the committer date a client will see.
/// </summary>
public sealed record GitCommit
{
    /// <summary>The commit message.</summary>
    public string Message { get; init; } = "Commit by the test Git server";

    /// <summary>The author's and committer's name.</summary>
    public string AuthorName { get; init; } = "Sluice Test";

    /// <summary>The author's and committer's email.</summary>
    public string AuthorEmail { get; init; } = "test@sluice.invalid";

    /// <summary>The author and committer date; whole seconds, as Git records them.</summary>
    public DateTimeOffset Date { get; init; } = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
}
