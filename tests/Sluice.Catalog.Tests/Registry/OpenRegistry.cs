using Sluice.Testing;

namespace Sluice.Catalog.Tests.Registry;

/// <summary>Debian's docker-registry without auth on a loopback port (eng/install.sh installs it), shared by one class's tests.</summary>
public sealed class OpenRegistry : IAsyncLifetime
{
    public RegistryServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await RegistryServer.StartAsync(_ => null, TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
