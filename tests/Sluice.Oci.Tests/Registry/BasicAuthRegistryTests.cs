using Sluice.Testing;
using System.Text;
using Sluice.Oci.Distribution;

namespace Sluice.Oci.Tests.Registry;

/// <summary>A real registry with htpasswd auth: credentials from a Docker config file, and clear refusals.</summary>
public sealed class BasicAuthRegistryTests : IClassFixture<BasicAuthRegistry>, IDisposable
{
    private readonly RegistryServer _server;
    private readonly TempDirectory _directory = new();

    public BasicAuthRegistryTests(BasicAuthRegistry registry) => _server = registry.Server;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Credentials_from_a_docker_config_file_push_an_image_that_skopeo_reads_with_them()
    {
        using var client = new RegistryClient(new RegistryClientOptions { Credentials = DockerConfig(BasicAuthRegistry.Password) });
        var repository = new OciRepository(_server.Host, "secured/app");
        var image = await TestImage.BuildAsync("linux/amd64", "secured", Cancel);

        await client.PingAsync(_server.Host, Cancel);
        await client.PushBlobAsync(repository, image.Layer.Descriptor, new MemoryStream(image.LayerBytes), Cancel);
        await client.PushBlobAsync(repository, image.Config, Cancel);
        await client.PushManifestAsync(repository.WithTag("1.0"), image.Manifest, Cancel);

        var raw = await Skopeo.RawAsync($"{repository}:1.0", Cancel, "--creds", $"{BasicAuthRegistry.User}:{BasicAuthRegistry.Password}");
        Assert.Equal(image.Manifest.Bytes.ToArray(), raw);
        Assert.Equal(image.Manifest.Descriptor, (await client.GetManifestAsync(repository.WithTag("1.0"), Cancel))!.Descriptor);
    }

    [Fact]
    public async Task A_wrong_password_is_a_clear_error_naming_the_registry_and_user_but_never_the_password()
    {
        const string Wrong = "not-the-password-1234";
        using var client = new RegistryClient(new RegistryClientOptions { Credentials = DockerConfig(Wrong) });

        var refused = await Assert.ThrowsAsync<RegistryException>(() => client.HeadManifestAsync(OciReference.Parse($"{_server.Host}/secured/app:1.0"), Cancel));

        Assert.Equal((_server.Host, 401, "UNAUTHORIZED"), (refused.Error.Registry, refused.Error.Status, refused.Error.Code));
        Assert.Contains($"{_server.Host} refused the credentials of user '{BasicAuthRegistry.User}'", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Wrong, refused.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{BasicAuthRegistry.User}:{Wrong}")), refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_credentials_the_error_says_how_to_add_them()
    {
        using var client = new RegistryClient();

        var refused = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(_server.Host, Cancel));

        Assert.Contains($"{_server.Host} needs credentials and none are configured for it: docker login {_server.Host}", refused.Message, StringComparison.Ordinal);
    }

    private DockerCredentials DockerConfig(string password)
    {
        var path = _directory.Combine($"config-{Guid.NewGuid():N}.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{BasicAuthRegistry.User}:{password}"));
        File.WriteAllText(path, $$$$"""{"auths":{"http://{{{{_server.Host}}}}/v2/":{"auth":"{{{{auth}}}}"}}}""");
        return DockerCredentials.Load(path, out var error) ?? throw new InvalidOperationException(error);
    }
}
