using System.Text;
using Sluice.Sdk.Containers;

namespace Sluice.Sdk.Tests.Containers;

public sealed class SecretKeyTests
{
    private const string Value = "hunter2-rotating-value";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Container Recipe(SluiceClient client, Secret secret, string variable = "TOKEN", string path = "/run/secrets/token") =>
        client.Container().From("busybox")
            .WithSecretVariable(variable, secret)
            .WithMountedSecret(path, secret)
            .WithExec(["sh", "-c", "sha256sum /run/secrets/token > /hash"]);

    [Fact]
    public async Task A_secret_enters_the_key_by_name_so_a_new_value_keeps_the_key()
    {
        await using var one = new SluiceClient(new RecordingEngine());
        await using var two = new SluiceClient(new RecordingEngine());

        var first = await Recipe(one, one.SetSecret("token", Value)).DigestAsync(Cancel);
        var rotated = await Recipe(two, two.SetSecret("token", "another-value")).DigestAsync(Cancel);

        Assert.Equal(first, rotated);
    }

    [Fact]
    public async Task The_secret_name_the_variable_and_the_path_each_change_the_key()
    {
        await using var client = new SluiceClient(new RecordingEngine());
        var token = client.SetSecret("token", Value);
        var baseline = await Recipe(client, token).DigestAsync(Cancel);

        Assert.NotEqual(baseline, await Recipe(client, client.SetSecret("other", Value)).DigestAsync(Cancel));
        Assert.NotEqual(baseline, await Recipe(client, token, variable: "PASSWORD").DigestAsync(Cancel));
        Assert.NotEqual(baseline, await Recipe(client, token, path: "/run/secrets/other").DigestAsync(Cancel));
    }

    [Fact]
    public async Task Host_secrets_are_keyed_by_name_like_set_ones_whatever_their_source()
    {
        await using var client = new SluiceClient(new RecordingEngine());
        await using var other = new SluiceClient(new RecordingEngine());

        var fromValue = await Recipe(client, client.SetSecret("token", Value)).DigestAsync(Cancel);
        var fromEnvironment = await Recipe(other, other.Host.EnvSecret("token", "SLUICE_TEST_UNSET_VARIABLE")).DigestAsync(Cancel);

        Assert.Equal(fromValue, fromEnvironment);
    }

    [Fact]
    public async Task The_description_holds_the_name_and_never_the_value()
    {
        await using var client = new SluiceClient(new RecordingEngine());
        var secret = client.SetSecret("token", Value);
        var variable = new SecretVariableOp(ScratchOp.Instance, "TOKEN", secret);
        var mount = new MountSecretOp(variable, "/run/secrets/token", secret);

        var canonical = Encoding.UTF8.GetString(OpKeys.CanonicalForm(OpKeys.Describe(mount, ["sha256:parent"], null)))
            + Encoding.UTF8.GetString(OpKeys.CanonicalForm(OpKeys.Describe(variable, ["sha256:parent"], null)));

        Assert.Contains("\"secret\":\"token\"", canonical, StringComparison.Ordinal);
        Assert.DoesNotContain(Value, canonical, StringComparison.Ordinal);
        Assert.DoesNotContain(Value, mount.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Value, secret.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_client_refuses_a_name_for_two_values_and_gives_back_the_same_secret_for_one()
    {
        await using var client = new SluiceClient(new RecordingEngine());
        var token = client.SetSecret("token", Value);

        Assert.Same(token, client.SetSecret("token", Value));
        var error = Assert.Throws<ArgumentException>(() => client.SetSecret("token", "another-value"));
        Assert.Contains("\"token\"", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Value, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => client.Host.EnvSecret("token", "HOME"));
    }

    [Fact]
    public async Task Host_secrets_read_their_source_when_asked_and_name_it_when_it_is_missing()
    {
        await using var client = new SluiceClient(new RecordingEngine());
        var file = Path.Combine(Path.GetTempPath(), "sluice-secret-test-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(file, Value, Cancel);
        try
        {
            Assert.Equal(Value, await client.Host.FileSecret("file", file).PlaintextAsync(Cancel));
        }
        finally
        {
            File.Delete(file);
        }

        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => client.Host.EnvSecret("env", "SLUICE_TEST_UNSET_VARIABLE").PlaintextAsync(Cancel));
        Assert.Contains("SLUICE_TEST_UNSET_VARIABLE", missing.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.Host.FileSecret("gone", file).PlaintextAsync(Cancel));
    }
}
