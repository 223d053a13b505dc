using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sluice.Cli.Tests.Processes;
using Sluice.Testing;

namespace Sluice.Cli.Tests.Catalog;

/// <summary>
/// The catalog's custom task <c>Notify</c> run by the real <c>sluice run</c>: a PipelineRun whose only task
/// sends a CloudEvent to subscribers that are an <see cref="EventSink"/> on 127.0.0.1, whose record of the
/// requests as they arrived is what the tests check. No Docker: a custom task starts no container.
/// </summary>
public sealed partial class NotifyTaskTests : IAsyncLifetime
{
    private const string Password = "n0tify-Pa55-never-printed";

    private readonly string _work = Directory.CreateTempSubdirectory("sluice-notify-task-").FullName;
    private EventSink _sink = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Home => Path.Combine(_work, "home");

    public async ValueTask InitializeAsync() =>
        _sink = await EventSink.StartAsync(new Dictionary<string, int[]> { ["/flaky"] = [503, 503, 202], ["/down"] = [500], ["/silent"] = [0] }, Cancel);

    public async ValueTask DisposeAsync()
    {
        await _sink.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task A_binary_event_reaches_each_subscriber_and_one_answering_503_twice_gets_the_same_event_a_third_time()
    {
        var flaky = $"http://hooks:{Password}@{Authority}/flaky";
        var run = await NotifyAsync([$"{_sink.BaseUrl}/steady", flaky], "binary");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal("2", run.Results["delivered"]);
        var steady = Assert.Single(_sink.To("/steady"));
        var tries = _sink.To("/flaky");
        Assert.Equal(3, tries.Count);
        Assert.Single(tries.Select(t => t.Header("ce-id")).Distinct());
        Assert.NotEqual(steady.Header("ce-id"), tries[0].Header("ce-id"));
        Assert.All(tries, t => Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"hooks:{Password}")), t.Header("authorization")));
        Assert.Equal(("POST", "1.0", "dev.sluice.release.published", "/sluice/pipelines", "agenda"), (steady.Method, steady.Header("ce-specversion"), steady.Header("ce-type"), steady.Header("ce-source"), steady.Header("ce-subject")));
        Assert.StartsWith("application/json", steady.Header("content-type"), StringComparison.Ordinal);
        Assert.NotNull(steady.Header("ce-time"));
        var data = JsonNode.Parse(steady.Body)!;
        Assert.Equal(("agenda", "1.4.0", "sha256:0a1b"), ((string?)data["service"], (string?)data["version"], (string?)data["image"]));
        Assert.Matches("^[0-9a-f-]{36}$", (string?)data["run"]);
        Assert.StartsWith("notify-", (string?)data["taskRun"], StringComparison.Ordinal);

        var deliveries = JsonNode.Parse(run.Results["deliveries"])!.AsArray();
        Assert.Equal(
            [$"{_sink.BaseUrl}/steady 202 1", $"http://***@{Authority}/flaky 202 3"],
            deliveries.Select(d => $"{d!["url"]} {d["status"]} {d["attempts"]}"));
        Assert.Contains($"POST http://***@{Authority}/flaky attempt 1 of 4: 503 Service Unavailable", run.Output, StringComparison.Ordinal);
        Assert.Contains("attempt 3 of 4: 202 Accepted", run.Output, StringComparison.Ordinal);
        await AssertNotPrintedAsync(Password, run.Output);
    }

    [Fact]
    public async Task A_structured_event_is_one_CloudEvents_JSON_document_with_the_attributes_and_the_data()
    {
        var run = await NotifyAsync([$"{_sink.BaseUrl}/structured"], "structured");

        Assert.True(run.ExitCode == 0, run.Output);
        var received = Assert.Single(_sink.To("/structured"));
        Assert.StartsWith("application/cloudevents+json", received.Header("content-type"), StringComparison.Ordinal);
        var cloudEvent = JsonNode.Parse(received.Body)!;
        Assert.Equal(("1.0", "dev.sluice.release.published", "/sluice/pipelines", "agenda"), ((string?)cloudEvent["specversion"], (string?)cloudEvent["type"], (string?)cloudEvent["source"], (string?)cloudEvent["subject"]));
        Assert.Matches("^[0-9a-f]{32}$", (string?)cloudEvent["id"]);
        Assert.Equal(("application/json", "1.4.0"), ((string?)cloudEvent["datacontenttype"], (string?)cloudEvent["data"]!["version"]));
    }

    [Fact]
    public async Task A_subscriber_that_always_fails_fails_the_task_with_NotificationFailed_naming_it_after_every_other_subscriber_was_tried()
    {
        var unreachable = $"http://127.0.0.1:{ClosedPort()}/gone";
        var run = await NotifyAsync([$"{_sink.BaseUrl}/down", unreachable, $"{_sink.BaseUrl}/after"], "binary", retries: "2");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("NotificationFailed", run.Output, StringComparison.Ordinal);
        Assert.Contains($"2 of 3 subscribers did not take the event: {_sink.BaseUrl}/down: 500 Internal Server Error after 3 attempts; {unreachable}: ", run.Output, StringComparison.Ordinal);
        Assert.Equal(3, _sink.To("/down").Count);
        Assert.Single(_sink.To("/after"));
        Assert.Contains("attempt 3 of 3: 500 Internal Server Error", run.Output, StringComparison.Ordinal);
        Assert.Contains("; giving up", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_TaskRuns_timeout_stops_an_attempt_that_waits_for_an_answer()
    {
        var run = await NotifyAsync([$"{_sink.BaseUrl}/silent"], "binary", timeout: "2s");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("TaskRunTimeout", run.Output, StringComparison.Ordinal);
        // Stopped by the TaskRun's 2s, not by the attempt's own 10 s limit, which would have logged the
        // attempt as unanswered and tried again.
        Assert.DoesNotContain("no answer within", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("attempt 2 of", run.Output, StringComparison.Ordinal);
        Assert.Single(_sink.To("/silent"));
    }

    private string Authority => new Uri(_sink.BaseUrl).Authority;

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<NotifyRun> NotifyAsync(string[] subscribers, string mode, string retries = "3", string timeout = "1m")
    {
        var file = Path.Combine(_work, "pipelinerun.yaml");
        await File.WriteAllTextAsync(file, $$"""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              generateName: notify-
            spec:
              pipelineSpec:
                tasks:
                  - name: notify
                    taskRef: {apiVersion: sluice.dev/v1, kind: Notify}
                    timeout: {{timeout}}
                    params:
                      - {name: subscribers, value: [{{string.Join(", ", subscribers.Select(s => $"\"{s}\""))}}]}
                      - {name: subject, value: agenda}
                      - {name: data, value: [service=agenda, version=1.4.0, image=sha256:0a1b]}
                      - {name: mode, value: {{mode}}}
                      - {name: retries, value: "{{retries}}"}
                results:
                  - {name: delivered, value: $(tasks.notify.results.delivered)}
                  - {name: deliveries, value: $(tasks.notify.results.deliveries)}
            """, Cancel);
        var (code, output) = await SluiceProcess.RunAsync(Home, "run", file);
        var results = ResultLine().Matches(output).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value.TrimEnd('\r'));
        return new NotifyRun(code, output, results);
    }

    /// <summary>
    /// A secret is neither in the run's output nor in its stored log. (The PipelineRun's record keeps its params
    /// as written, so <c>describe -o yaml</c> shows the URL as the user gave it.)
    /// </summary>
    private async Task AssertNotPrintedAsync(string secret, string runOutput)
    {
        var (_, logs) = await SluiceProcess.RunAsync(Home, "logs", "--last");
        Assert.Contains("attempt 1 of 4", logs, StringComparison.Ordinal);
        foreach (var (name, text) in new[] { ("run", runOutput), ("logs", logs) })
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"the secret is in the output of {name}:\n{text}");
        }
    }

    [GeneratedRegex(@"^\s+result (?<name>[a-z-]+) = (?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex ResultLine();

    private sealed record NotifyRun(int ExitCode, string Output, Dictionary<string, string> Results);
}
