using System.Text;
using Sluice.Oci.Distribution;

namespace Sluice.Oci.Tests;

/// <summary>Docker credential helpers (<c>docker-credential-NAME get</c>) named by credHelpers and credsStore.</summary>
public sealed class CredentialHelperTests : IDisposable
{
    private const string Helper = """
        #!/bin/sh
        read -r server
        case "$server" in
          registry.example.com) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret"}' "$server" ;;
          tokens.example.com) printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh-token"}' "$server" ;;
          *) echo "credentials not found in native keychain" >&2; exit 1 ;;
        esac
        """;

    private readonly TempDirectory _directory = new();
    private readonly string? _path = Environment.GetEnvironmentVariable("PATH");

    public CredentialHelperTests()
    {
        var helper = _directory.Combine("docker-credential-sluicetest");
        File.WriteAllText(helper, Helper.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Environment.SetEnvironmentVariable("PATH", $"{_directory.Path}:{_path}");
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("PATH", _path);
        _directory.Dispose();
    }

    [Fact]
    public async Task Helpers_give_passwords_and_identity_tokens_and_nothing_when_they_have_none()
    {
        var credentials = Parse("""{"credHelpers":{"registry.example.com":"sluicetest"},"credsStore":"sluicetest"}""");

        var password = await credentials.GetAsync("registry.example.com", Cancel);
        var token = await credentials.GetAsync("tokens.example.com", Cancel);

        Assert.Equal(("helper-user", "helper-secret"), (password!.Username, password.Password));
        Assert.Equal(("refresh-token", null), (token!.IdentityToken, token.Username));
        Assert.Null(await credentials.GetAsync("other.example.com", Cancel));
    }

    [Fact]
    public async Task A_helper_that_is_not_installed_is_an_error_saying_so()
    {
        var credentials = Parse("""{"credHelpers":{"registry.example.com":"absent"}}""");

        var refused = await Assert.ThrowsAsync<RegistryException>(() => credentials.GetAsync("registry.example.com", Cancel).AsTask());

        Assert.Contains("credential helper 'absent', but docker-credential-absent is not on PATH", refused.Message, StringComparison.Ordinal);
    }

    private static DockerCredentials Parse(string json) =>
        DockerCredentials.Parse(Encoding.UTF8.GetBytes(json), "config.json", out var error) ?? throw new InvalidOperationException(error);
}
