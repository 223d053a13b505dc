using System.Text;
using Sluice.Oci.Distribution;

namespace Sluice.Oci.Tests;

public sealed class AuthTests
{
    [Fact]
    public void A_bearer_challenge_gives_realm_service_and_scope_with_commas_inside_quotes()
    {
        var challenge = Assert.Single(AuthChallenge.Parse(
            """Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push" """));

        Assert.True(challenge.IsBearer);
        Assert.Equal("https://auth.docker.io/token", challenge.Realm);
        Assert.Equal("registry.docker.io", challenge.Service);
        Assert.Equal("repository:samalba/my-app:pull,push", challenge.Scope);
    }

    [Fact]
    public void Several_challenges_in_one_header_are_told_apart()
    {
        var challenges = AuthChallenge.Parse("""Basic realm="basic-realm", Bearer realm="http://127.0.0.1:1/token", service = svc, error="insufficient_scope" """);

        Assert.Equal(2, challenges.Length);
        Assert.True(challenges[0].IsBasic);
        Assert.Equal("basic-realm", challenges[0].Realm);
        Assert.Equal(("http://127.0.0.1:1/token", "svc", "insufficient_scope"), (challenges[1].Realm, challenges[1].Service, challenges[1].Parameters["ERROR"]));
    }

    [Fact]
    public void Escapes_in_quoted_values_and_a_bare_scheme_are_read()
    {
        Assert.Equal("a\"b", Assert.Single(AuthChallenge.Parse("""Basic realm="a\"b" """)).Realm);
        Assert.Empty(Assert.Single(AuthChallenge.Parse("Negotiate")).Parameters);
        Assert.Empty(AuthChallenge.Parse(""));
    }

    [Fact]
    public async Task Docker_config_auths_are_read_from_base64_auth_fields_and_identity_tokens()
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:s3cr:et"));
        var json = $$$"""
            {"auths":{
              "https://index.docker.io/v1/":{"auth":"{{{auth}}}"},
              "http://localhost:5000/v2/":{"username":"bob","password":"pw"},
              "ghcr.io":{"identitytoken":"refresh-me"}
            }}
            """;

        var credentials = DockerCredentials.Parse(Encoding.UTF8.GetBytes(json), "config.json", out var error)!;

        Assert.Null(error);
        var hub = await credentials.GetAsync("docker.io", TestContext.Current.CancellationToken);
        Assert.Equal(("alice", "s3cr:et"), (hub!.Username, hub.Password));
        Assert.Equal("bob", (await credentials.GetAsync("LOCALHOST:5000", TestContext.Current.CancellationToken))!.Username);
        Assert.Equal("refresh-me", (await credentials.GetAsync("ghcr.io", TestContext.Current.CancellationToken))!.IdentityToken);
        Assert.Null(await credentials.GetAsync("quay.io", TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("""{"auths":{"r.io":{"auth":"!!!"}}}""", "config.json: auths.\"r.io\": 'auth' is not base64")]
    [InlineData("""{"auths":{"r.io":{"auth":"bm9jb2xvbg=="}}}""", "no username:password pair")]
    [InlineData("""{"auths":""", "config.json: not valid JSON")]
    public void A_broken_docker_config_is_an_error_value_naming_the_file_and_entry(string json, string expected)
    {
        Assert.Null(DockerCredentials.Parse(Encoding.UTF8.GetBytes(json), "config.json", out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_docker_config_means_no_credentials()
    {
        Assert.Same(DockerCredentials.None, DockerCredentials.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "config.json"), out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("https://index.docker.io/v1/", "docker.io")]
    [InlineData("registry-1.docker.io", "docker.io")]
    [InlineData("http://127.0.0.1:5000/v2/", "127.0.0.1:5000")]
    [InlineData("Registry.Example.com", "registry.example.com")]
    public void Configuration_keys_name_registry_hosts(string key, string host) =>
        Assert.Equal(host, DockerCredentials.NormalizeRegistry(key));

    [Fact]
    public void A_credential_never_prints_its_secrets()
    {
        var credential = RegistryCredential.FromPassword("alice", "hunter2") with { IdentityToken = "tok" };

        Assert.Equal("RegistryCredential { Username = alice, Password = ***, IdentityToken = *** }", credential.ToString());
    }
}
