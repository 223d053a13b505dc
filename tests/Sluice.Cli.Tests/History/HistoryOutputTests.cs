using System.Text;
using System.Text.Json.Nodes;
using Sluice.Cli.History;
using Sluice.Store;

namespace Sluice.Cli.Tests.History;

/// <summary>What list, describe and logs print for one fixed run, as golden files; no Docker needed.</summary>
public sealed class HistoryOutputTests : IAsyncLifetime
{
    private FixedRun? _run;

    private FixedRun Run => _run!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _run = await FixedRun.CreateAsync(Cancel);

    public async ValueTask DisposeAsync()
    {
        if (_run is not null)
        {
            await _run.DisposeAsync();
        }
    }

    [Fact]
    public async Task List_prints_a_table_as_kubectl_get_pipelinerun_does()
    {
        var output = new StringWriter();
        RunTable.Write(output, await Run.Store.ListAsync(new RunQuery(), Cancel), wide: false, FixedRun.Clock);
        Snapshot.Match("list", output.ToString());
    }

    [Fact]
    public async Task List_wide_adds_the_pipeline_duration_and_uid_and_taskruns_list_the_children()
    {
        var output = new StringWriter();
        RunTable.Write(output, await Run.Store.ListAsync(new RunQuery(), Cancel), wide: true, FixedRun.Clock);
        RunTable.Write(output, await Run.Store.ListAsync(new RunQuery { Kind = "TaskRun" }, Cancel), wide: false, FixedRun.Clock);
        Snapshot.Match("list-wide", output.ToString());
    }

    [Fact]
    public async Task List_json_is_a_kubernetes_list_of_the_stored_resources()
    {
        var output = new StringWriter();
        RunTable.WriteList(output, await Run.Store.ListResourcesAsync(new RunQuery(), Cancel), "json");
        var list = JsonNode.Parse(output.ToString())!;
        Assert.Equal("List", list["kind"]!.GetValue<string>());
        Assert.Equal("build-run-x7k2p", list["items"]![0]!["metadata"]!["name"]!.GetValue<string>());
        Snapshot.Match("list-yaml", WriteYaml(await Run.Store.ListResourcesAsync(new RunQuery(), Cancel)));
    }

    [Fact]
    public async Task Describe_prints_what_tkn_pipelinerun_describe_prints_with_steps_artifacts_and_the_failure()
    {
        var output = new StringWriter();
        RunDescription.Write(output, (await Run.Store.GetAsync("0b7c1a52-1111-4e2a-9c1d-000000000001", Cancel))!, FixedRun.Clock);
        Snapshot.Match("describe", output.ToString());
    }

    [Fact]
    public async Task Describe_of_a_pipelines_taskrun_shows_its_steps()
    {
        var output = new StringWriter();
        RunDescription.Write(output, (await Run.Store.GetAsync("0b7c1a52-1111-4e2a-9c1d-000000000003", Cancel))!, FixedRun.Clock);
        Snapshot.Match("describe-taskrun", output.ToString());
    }

    [Fact]
    public async Task Logs_replay_every_step_in_order_prefixed_with_task_and_step()
    {
        var stored = (await Run.Store.GetAsync("0b7c1a52-1111-4e2a-9c1d-000000000001", Cancel))!;
        Snapshot.Match("logs", await ReplayAsync(stored, null, null));
        Assert.Equal("[test : test] running 41 tests\n[test : test] FAIL: checkout_test.go:88: total is 0\n", await ReplayAsync(stored, "test", null));
        Assert.Equal(string.Empty, await ReplayAsync(stored, "compile", "nothing"));
    }

    private static async Task<string> ReplayAsync(StoredRun stored, string? task, string? step)
    {
        using var output = new MemoryStream();
        await new LogReplay(output, color: false).ReplayAsync(stored, task, step, Cancel);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static string WriteYaml(IReadOnlyList<string> resources)
    {
        var output = new StringWriter();
        RunTable.WriteList(output, resources, "yaml");
        return output.ToString();
    }
}
