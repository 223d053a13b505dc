using System.Text;

namespace Sluice.Oci.Distribution;

/// <summary>
/// A credential for one registry: a username and password (or personal token), or an identity token
/// (an OAuth2 refresh token, as <c>docker login</c> stores for some registries). Its string form never
/// shows the secret.
/// </summary>
public sealed record RegistryCredential
{
    /// <summary>The username, or null with an identity token only.</summary>
    public string? Username { get; init; }

    /// <summary>The password or access token.</summary>
    public string? Password { get; init; }

    /// <summary>An OAuth2 refresh token to trade for access tokens.</summary>
    public string? IdentityToken { get; init; }

    /// <summary>A username and password.</summary>
    public static RegistryCredential FromPassword(string username, string password) => new() { Username = username, Password = password };

    /// <summary>The name to show in messages: the username, or "an identity token".</summary>
    public string Who => Username is { Length: > 0 } user ? $"user '{user}'" : "an identity token";

    /// <summary>The <c>Authorization: Basic</c> parameter, or null without a username and password.</summary>
    internal string? BasicParameter =>
        Username is null || Password is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"));

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Username = ").Append(Username);
        builder.Append(", Password = ").Append(Password is null ? "null" : "***");
        builder.Append(", IdentityToken = ").Append(IdentityToken is null ? "null" : "***");
        return true;
    }
}

/// <summary>Finds the credential for a registry.</summary>
public interface ICredentialProvider
{
    /// <summary>The credential for a registry host (with port), or null to go anonymously.</summary>
    ValueTask<RegistryCredential?> GetAsync(string registry, CancellationToken cancellationToken);
}

/// <summary>Credentials given in code or configuration, by registry host.</summary>
public sealed class StaticCredentials : ICredentialProvider
{
    private readonly IReadOnlyDictionary<string, RegistryCredential> _credentials;

    /// <summary>Makes the provider from registry → credential pairs.</summary>
    public StaticCredentials(IReadOnlyDictionary<string, RegistryCredential> credentials) =>
        _credentials = credentials.ToDictionary(c => DockerCredentials.NormalizeRegistry(c.Key), c => c.Value, StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public ValueTask<RegistryCredential?> GetAsync(string registry, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_credentials.GetValueOrDefault(DockerCredentials.NormalizeRegistry(registry)));
}
