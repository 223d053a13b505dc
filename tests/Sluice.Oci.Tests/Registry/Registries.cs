using Sluice.Testing;
namespace Sluice.Oci.Tests.Registry;

/// <summary>A registry without auth, shared by the tests of one class.</summary>
public sealed class OpenRegistry : IAsyncLifetime
{
    public RegistryServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await RegistryServer.StartAsync(_ => null, TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>A registry with htpasswd (Basic) auth for one user.</summary>
public sealed class BasicAuthRegistry : IAsyncLifetime
{
    public const string User = "sluice-tester";
    public const string Password = "correct horse battery staple";

    public RegistryServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await RegistryServer.StartWithBasicAuthAsync(User, Password, TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
