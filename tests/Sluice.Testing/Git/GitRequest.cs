namespace Sluice.Testing.Git;

/// <summary>
/// One line of <see cref="GitServer"/>'s access log: the method, the path (<c>/NAME.git/info/refs</c>,
/// <c>/NAME.git/git-upload-pack</c>, ...), the query without <c>?</c>, the status answered and the user
/// the request authenticated as (null when it did not).
/// </summary>
public sealed record GitRequest(string Method, string Path, string Query, int Status, string? User);
