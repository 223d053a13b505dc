using Sluice.Engine.Execution;

namespace Sluice.Execution.Docker.Tests;

/// <summary>
/// <see cref="ContainerSpec.Files"/> on Docker: placed before the step starts, owned by the user the step runs
/// as, relative paths under that user's home as the runtime finds it (moby/sys/user GetExecUser, HOME).
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class ContainerFileTests
{
    private const string Show = "for f in /tekton/creds /tekton/creds/.ssh /tekton/creds/.ssh/id_k \"$HOME/.ssh\" \"$HOME/.ssh/id_k\"; do [ -e \"$f\" ] && stat -c '%a %u %g %n' \"$f\"; done; cat /tekton/creds/.ssh/id_k";

    private static readonly ContainerFile[] Files =
    [
        new("/tekton/creds", null, 0x1FF),
        new("/tekton/creds/.ssh", null, 0x1ED),
        new("/tekton/creds/.ssh/id_k", "KEY"u8.ToArray(), 0x180),
        new(".ssh", null, 0x1C0),
        new(".ssh/id_k", "KEY"u8.ToArray(), 0x180),
    ];

    private readonly DockerFixture _fixture;

    public ContainerFileTests(DockerFixture fixture) => _fixture = fixture;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null, null, "777 0 0 /tekton/creds\n755 0 0 /tekton/creds/.ssh\n600 0 0 /tekton/creds/.ssh/id_k\n700 0 0 /root/.ssh\n600 0 0 /root/.ssh/id_k\nKEY")]
    [InlineData("user", null, "777 1000 1000 /tekton/creds\n755 1000 1000 /tekton/creds/.ssh\n600 1000 1000 /tekton/creds/.ssh/id_k\n700 1000 1000 /tmp/.ssh\n600 1000 1000 /tmp/.ssh/id_k\nKEY")]
    [InlineData("1000:7", "/tmp/home", "777 1000 7 /tekton/creds\n755 1000 7 /tekton/creds/.ssh\n600 1000 7 /tekton/creds/.ssh/id_k\n700 1000 7 /tmp/home/.ssh\n600 1000 7 /tmp/home/.ssh/id_k\nKEY")]
    [InlineData("2000", null, "777 2000 0 /tekton/creds\n755 2000 0 /tekton/creds/.ssh\n600 2000 0 /tekton/creds/.ssh/id_k\nKEY")]
    public async Task Files_are_placed_for_the_user_the_step_runs_as(string? user, string? home, string expected)
    {
        await using var run = new TestRun(_fixture);
        var sandbox = await run.Executor.PrepareTaskRunAsync(run.Sandbox(), Cancel);
        var step = run.Script("files", Show) with
        {
            User = user,
            Env = home is null ? [] : [new("HOME", home)],
            Files = [.. Files],
        };

        var result = await run.RunAsync(sandbox, step, Cancel);

        Assert.Equal((0, string.Empty), (result.Exit.ExitCode, result.Stderr));
        Assert.Equal(expected, result.Stdout);
        await run.Executor.DestroyTaskRunAsync(sandbox, Cancel);
    }

    [Theory]
    [InlineData("", 0, 0, "/root")]
    [InlineData("user", 1000, 1000, "/tmp")]
    [InlineData("1000", 1000, 1000, "/tmp")]
    [InlineData("1000:5", 1000, 5, "/tmp")]
    [InlineData("user:staff", 1000, 50, "/tmp")]
    [InlineData("4242", 4242, 0, "/")]
    [InlineData("4242:staff", 4242, 50, "/")]
    public void The_user_is_found_as_the_runtime_finds_it(string spec, int uid, int gid, string home)
    {
        var user = DockerExecutor.ExecUser.Resolve(spec, "root:x:0:0:root:/root:/bin/sh\n\nuser:x:1000:1000::/tmp:/bin/sh\n", "staff:x:50:\n");

        Assert.Equal(new DockerExecutor.ExecUser(uid, gid, home), user);
    }

    [Theory]
    [InlineData("nobody")]
    [InlineData("user:nogroup")]
    public void A_name_without_an_entry_is_refused_as_the_runtime_refuses_it(string spec) =>
        Assert.Null(DockerExecutor.ExecUser.Resolve(spec, "user:x:1000:1000::/tmp:/bin/sh\n", null));
}
