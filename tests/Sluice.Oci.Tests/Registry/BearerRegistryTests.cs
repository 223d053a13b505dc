using Sluice.Testing;
using Sluice.Oci.Distribution;

namespace Sluice.Oci.Tests.Registry;

/// <summary>A registry with Docker's token authentication and its own token service.</summary>
public sealed class TokenAuthRegistry : IAsyncLifetime
{
    public const string User = "sluice-bearer";
    public const string Password = "bearer-password-42";

    public RegistryServer Server { get; private set; } = null!;

    public TokenServer Tokens { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Tokens = new TokenServer(RegistryServer.SparePort(), User, Password);

        Server = await RegistryServer.StartAsync(directory =>
        {
            File.WriteAllText(Path.Combine(directory, "token.pem"), Tokens.CertificatePem);
            return $"""
                  token:
                    realm: {Tokens.Realm}
                    service: {TokenServer.Service}
                    issuer: {TokenServer.Issuer}
                    rootcertbundle: {Path.Combine(directory, "token.pem")}
                """;
        }, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        await Tokens.DisposeAsync();
    }
}

public sealed class BearerRegistryTests : IClassFixture<TokenAuthRegistry>
{
    private readonly TokenAuthRegistry _registry;

    public BearerRegistryTests(TokenAuthRegistry registry) => _registry = registry;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Host => _registry.Server.Host;

    [Fact]
    public async Task Tokens_for_the_needed_scopes_push_and_mount_an_image_that_skopeo_reads()
    {
        using var client = Client(TokenAuthRegistry.Password);
        var repository = new OciRepository(Host, "bearer/app");
        var derived = new OciRepository(Host, "bearer/derived");
        var image = await TestImage.BuildAsync("linux/amd64", "bearer", Cancel);
        var issued = _registry.Tokens.Issued;

        await client.PushBlobAsync(repository, image.Layer.Descriptor, new MemoryStream(image.LayerBytes), Cancel);
        await client.PushBlobAsync(repository, image.Config, Cancel);
        await client.PushManifestAsync(repository.WithTag("1.0"), image.Manifest, Cancel);
        var pushTokens = _registry.Tokens.Issued - issued;
        var mounted = await client.PushBlobAsync(derived, image.Layer.Descriptor, new MemoryStream(image.LayerBytes), Cancel, mountFrom: repository);

        Assert.Equal(BlobPushOutcome.Mounted, mounted);
        Assert.InRange(pushTokens, 1, 2);
        Assert.Contains($"repository:bearer/app:pull repository:bearer/derived:pull,push", _registry.Tokens.ScopesRequested);
        Assert.Equal(image.Manifest.Bytes.ToArray(), await Skopeo.RawAsync($"{repository}:1.0", Cancel, "--creds", $"{TokenAuthRegistry.User}:{TokenAuthRegistry.Password}"));
        Assert.Equal(image.Manifest.Descriptor, (await client.GetManifestAsync(repository.WithTag("1.0"), Cancel))!.Descriptor);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_by_the_token_service_with_a_message_naming_registry_and_user()
    {
        const string Wrong = "wrong-bearer-password";
        using var client = Client(Wrong);

        var refused = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(OciReference.Parse($"{Host}/bearer/app:1.0"), Cancel));

        Assert.StartsWith($"{Host}: pull {Host}/bearer/app:1.0: the token service {_registry.Tokens.Realm} refused the credentials of user '{TokenAuthRegistry.User}'", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Wrong, refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_credentials_the_token_service_refusal_says_to_add_them()
    {
        using var client = new RegistryClient();

        var refused = await Assert.ThrowsAsync<RegistryException>(() => client.HeadManifestAsync(OciReference.Parse($"{Host}/bearer/app:1.0"), Cancel));

        Assert.Contains($"refused anonymous access to repository:bearer/app:pull; add credentials for {Host}", refused.Message, StringComparison.Ordinal);
    }

    private RegistryClient Client(string password) => new(new RegistryClientOptions
    {
        Credentials = new StaticCredentials(new Dictionary<string, RegistryCredential>
        {
            [Host] = RegistryCredential.FromPassword(TokenAuthRegistry.User, password),
        }),
    });
}
