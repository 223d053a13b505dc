using System.Text;
using Sluice.Cli.Tests.Git;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Catalog;

/// <summary>git-clone over SSH: the same repositories served by sshd on a loopback port, the key and known_hosts from an ssh-directory Secret.</summary>
public sealed partial class GitCloneTaskTests
{
    [Fact]
    public async Task An_ssh_directory_Secret_clones_over_SSH_with_its_key_and_known_hosts_and_the_key_is_nowhere()
    {
        await using var sshd = await SshGitServer.StartAsync(_server.RepositoriesDirectory, Cancel);

        var run = await CloneAsync(sshd.Url("app"), SshDirectory(sshd.ClientKey, sshd.KnownHosts), ("revision", "v1.0.0"));

        run.Succeeded();
        Assert.Equal(_commits[0], run.Results["commit"]);
        Assert.Equal(sshd.Url("app"), run.Results["url"]);
        Assert.Equal("one\n", await File.ReadAllTextAsync(Path.Combine(Source, "version.txt"), Cancel));
        Assert.Empty(_server.Requests);
        await AssertSecretIsNowhereAsync(KeyBody(sshd.ClientKey), run.Output);
    }

    [Fact]
    public async Task A_key_the_SSH_server_does_not_accept_fails_naming_authentication()
    {
        await using var sshd = await SshGitServer.StartAsync(_server.RepositoriesDirectory, Cancel);
        var other = Path.Combine(_directory, "other_ed25519");
        await ProcessRunner.OutputAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other], TimeSpan.FromSeconds(30), Cancel);

        var run = await CloneAsync(sshd.Url("app"), SshDirectory(await File.ReadAllTextAsync(other, Cancel), sshd.KnownHosts));

        run.Failed();
        Assert.Contains($"error: authentication to 127.0.0.1:{sshd.Port} failed", run.Output, StringComparison.Ordinal);
    }

    /// <summary>A Secret with a private key and known_hosts, as Tekton's ssh-directory takes them, and its binding.</summary>
    private static (string Secret, string Binding) SshDirectory(string privateKey, string knownHosts)
    {
        var secret = new StringBuilder("""
            apiVersion: v1
            kind: Secret
            metadata:
              name: git-ssh
            type: Opaque
            stringData:
              id_ed25519: |

            """);
        foreach (var line in privateKey.TrimEnd('\n').Split('\n'))
        {
            secret.Append("    ").Append(line).Append('\n');
        }

        secret.Append("  known_hosts: |\n    ").Append(knownHosts.TrimEnd('\n')).Append('\n');
        return (secret.ToString(), """
                - name: ssh-directory
                  secret:
                    secretName: git-ssh
            """);
    }

    /// <summary>A line from the middle of a private key, which only the key holds.</summary>
    private static string KeyBody(string privateKey) => privateKey.Split('\n')[2];
}
