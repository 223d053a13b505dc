using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sluice.Model.Runs;

namespace Sluice.Conformance.Tests.Catalog;

/// <summary>
/// The six catalog tasks of the conformance data, run unchanged on Docker with the stand-in images against
/// targets this test starts on 127.0.0.1: an HTTP server, a Git daemon, a webhook sink and a Go module.
/// Needs Docker, git on the host and the images of eng/images/build.sh. TaskRuns that reach those targets
/// ask for the host's network in their podTemplate, as a step in Tekton would with <c>hostNetwork: true</c>.
/// </summary>
public sealed class CatalogTaskTests(CatalogFixture fixture) : IClassFixture<CatalogFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Wget_downloads_a_file_from_a_loopback_server_into_its_workspace()
    {
        var content = RandomNumberGenerator.GetBytes(64 * 1024);
        await using var server = new LoopbackHttpServer(new Dictionary<string, (int, string, byte[])>
        {
            ["/files/payload.bin"] = (200, "application/octet-stream", content),
        });
        var claim = fixture.Claim("wget-downloads");

        var run = await fixture.RunAsync("wget/0.1/wget.yaml", $"""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: wget-run
            spec:
              taskRef: {"{"}name: wget{"}"}
              podTemplate: {"{"}hostNetwork: true{"}"}
              params:
                - name: url
                  value: {server.Url("/files/payload.bin")}
                - name: diroptions
                  value: ["-O"]
                - name: filename
                  value: downloaded.bin
              workspaces:
                - name: wget-workspace
                  persistentVolumeClaim: {"{"}claimName: wget-downloads{"}"}
            """, Cancel);

        Succeeded(run);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(claim, "downloaded.bin"), Cancel));
        var request = Assert.Single(server.Received);
        Assert.Equal(("GET", "/files/payload.bin"), (request.Method, request.Path));
        Assert.StartsWith("Wget/", request.UserAgent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Curl_fetches_a_page_from_a_loopback_server_and_prints_it()
    {
        var token = Token();
        await using var server = new LoopbackHttpServer(new Dictionary<string, (int, string, byte[])>
        {
            ["/hello.txt"] = (200, "text/plain", Encoding.UTF8.GetBytes($"hello from {token}\n")),
        });

        // Written as v1beta1, like the task, so the TaskRun goes through the same conversion.
        var run = await fixture.RunAsync("curl/0.1/curl.yaml", $"""
            apiVersion: tekton.dev/v1beta1
            kind: TaskRun
            metadata:
              name: curl-run
            spec:
              taskRef: {"{"}name: curl{"}"}
              podTemplate: {"{"}hostNetwork: true{"}"}
              params:
                - name: url
                  value: {server.Url("/hello.txt")}
                - name: options
                  value: ["--fail", "--silent", "--show-error", "-H", "X-Sluice-Token: {token}"]
            """, Cancel);

        Succeeded(run);
        Assert.Contains($"hello from {token}", run.Logs, StringComparison.Ordinal);
        var request = Assert.Single(server.Received);
        Assert.Equal(("GET", "/hello.txt"), (request.Method, request.Path));
        Assert.StartsWith("curl/", request.UserAgent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Git_cli_clones_commits_and_pushes_and_reports_the_commit_the_remote_now_has()
    {
        var token = Token();
        await using var daemon = await GitDaemon.StartAsync(fixture.Scratch("git"), Cancel);
        var seed = (await GitDaemon.GitAsync(daemon.BareRepository, Cancel, "rev-parse", "main")).Trim();
        fixture.Claim("git-source");
        var script = string.Join("\n",
            $"git clone {daemon.Url} .",
            $"printf \"%s\\n\" {token} > from-task.txt",
            "git add from-task.txt",
            "git commit -m \"Add from-task.txt\"",
            "git push origin HEAD:main");

        var run = await fixture.RunAsync("git-cli/0.4/git-cli.yaml", $"""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: git-cli-run
            spec:
              taskRef: {"{"}name: git-cli{"}"}
              podTemplate: {"{"}hostNetwork: true{"}"}
              params:
                - name: GIT_USER_NAME
                  value: Catalog Test
                - name: GIT_USER_EMAIL
                  value: catalog@example.invalid
                - name: GIT_SCRIPT
                  value: |
            {Indent(script, 10)}
              workspaces:
                - name: source
                  persistentVolumeClaim: {"{"}claimName: git-source{"}"}
            """, Cancel);

        Succeeded(run);
        var pushed = (await GitDaemon.GitAsync(daemon.BareRepository, Cancel, "rev-parse", "main")).Trim();
        Assert.NotEqual(seed, pushed);
        Assert.Equal(pushed, Result(run, "commit"));
        Assert.Equal(seed, (await GitDaemon.GitAsync(daemon.BareRepository, Cancel, "rev-parse", "main~1")).Trim());
        Assert.Equal(token + "\n", await GitDaemon.GitAsync(daemon.BareRepository, Cancel, "show", "main:from-task.txt"));
        Assert.Equal("Catalog Test <catalog@example.invalid>", (await GitDaemon.GitAsync(daemon.BareRepository, Cancel, "log", "-1", "--format=%an <%ae>", "main")).Trim());
    }

    [Fact]
    public async Task Send_to_webhook_slack_posts_the_message_as_Slack_JSON_to_the_URL_in_its_Secret()
    {
        var token = Token();
        await using var sink = new LoopbackHttpServer(new Dictionary<string, (int, string, byte[])>
        {
            ["/services/hook"] = (200, "text/plain", "ok"u8.ToArray()),
        });
        var message = $"Build {token} passed: all green";

        var run = await fixture.RunAsync("send-to-webhook-slack/0.1/send-to-webhook-slack.yaml", $"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: slack-webhook
            stringData:
              url: {sink.Url("/services/hook")}
            ---
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: webhook-run
            spec:
              taskRef: {"{"}name: send-to-webhook-slack{"}"}
              podTemplate: {"{"}hostNetwork: true{"}"}
              params:
                - name: webhook-secret
                  value: slack-webhook
                - name: message
                  value: "{message}"
                - name: bot-name
                  value: Sluice Bot
                - name: icon-emoji
                  value: ":white_check_mark:"
            """, Cancel);

        Succeeded(run);
        var request = Assert.Single(sink.Received);
        Assert.Equal(("POST", "/services/hook", "application/json"), (request.Method, request.Path, request.ContentType));
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal(
            [("icon_emoji", ":white_check_mark:"), ("text", message), ("username", "Sluice Bot")],
            json.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetString())).OrderBy(p => p.Name, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Golang_build_builds_a_module_without_dependencies_into_a_binary_that_runs()
    {
        var token = Token();
        var claim = fixture.Claim("go-source");
        await File.WriteAllTextAsync(Path.Combine(claim, "go.mod"), "module example.com/hello\n\ngo 1.19\n", Cancel);
        Directory.CreateDirectory(Path.Combine(claim, "cmd", "hello"));
        await File.WriteAllTextAsync(Path.Combine(claim, "cmd", "hello", "main.go"), $$"""
            package main

            import "fmt"

            func main() {
            	fmt.Println("built by golang-build: {{token}}")
            }

            """, Cancel);

        // The step builds in a copy under $GOPATH/src, so -o writes the binary back into the workspace.
        var run = await fixture.RunAsync("golang-build/0.3/golang-build.yaml", """
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: golang-build-run
            spec:
              taskRef: {name: golang-build}
              params:
                - name: package
                  value: example.com/hello
                - name: flags
                  value: -v -o /workspace/source/bin/
                - name: CGO_ENABLED
                  value: "0"
              workspaces:
                - name: source
                  persistentVolumeClaim: {claimName: go-source}
            """, Cancel);

        Succeeded(run);
        Assert.Contains("example.com/hello/cmd/hello", run.Logs, StringComparison.Ordinal);
        var binary = Path.Combine(claim, "bin", "hello");
        Assert.True(File.Exists(binary), $"golang-build left no {binary}; logs:\n{run.Logs}");
        Assert.Equal($"built by golang-build: {token}\n", await RunAsync(binary));
    }

    [Fact]
    public async Task Jq_filters_a_file_of_its_workspace_and_reports_the_outcome_as_its_result()
    {
        var numbers = Enumerable.Range(0, 5).Select(_ => RandomNumberGenerator.GetInt32(1, 1000)).ToArray();
        var claim = fixture.Claim("jq-input");
        await File.WriteAllTextAsync(Path.Combine(claim, "data.json"), JsonSerializer.Serialize(new { items = numbers.Select(n => new { n }) }), Cancel);

        var run = await fixture.RunAsync("jq/0.1/jq.yaml", """
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: jq-run
            spec:
              taskRef: {name: jq}
              params:
                - name: filter
                  value: "[.items[].n] | add"
                - name: input
                  value: data.json
              workspaces:
                - name: source
                  persistentVolumeClaim: {claimName: jq-input}
            """, Cancel);

        Succeeded(run);
        Assert.Equal(numbers.Sum().ToString(System.Globalization.CultureInfo.InvariantCulture), Result(run, "jq-script-outcome").TrimEnd('\n'));
    }

    private static void Succeeded(RunOutcome run)
    {
        var taskRun = Assert.IsType<TaskRun>(run.Run);
        var condition = taskRun.Status?.Conditions.FirstOrDefault();
        Assert.True(condition?.Status == "True", $"{taskRun.Metadata.Name}: {condition?.Reason}: {condition?.Message}\nlogs:\n{run.Logs}");
    }

    private static string Result(RunOutcome run, string name)
    {
        var taskRun = Assert.IsType<TaskRun>(run.Run);
        var result = taskRun.Status!.Results.SingleOrDefault(r => r.Name == name);
        Assert.True(result is not null, $"{taskRun.Metadata.Name} has no result {name}; results: {string.Join(", ", taskRun.Status.Results.Select(r => r.Name))}");
        return result.Value.StringValue!;
    }

    private static string Token() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n').Select(line => new string(' ', spaces) + line));

    private static async Task<string> RunAsync(string program)
    {
        using var process = Process.Start(new ProcessStartInfo(program) { RedirectStandardOutput = true }) ?? throw new InvalidOperationException($"{program} did not start");
        var output = await process.StandardOutput.ReadToEndAsync(Cancel);
        await process.WaitForExitAsync(Cancel);
        Assert.Equal(0, process.ExitCode);
        return output;
    }
}
