using System.Text;
using Sluice.Engine.Execution;
using Sluice.Engine.Tests.Harness;

namespace Sluice.Engine.Tests;

/// <summary>
/// creds-init: pkg/pod/creds_init.go (credsInit: which Secrets of the ServiceAccount count), the writers of
/// pkg/credentials/{gitcreds,dockercreds} (the files and their exact text), pkg/credentials/writer
/// (CopyCredsToHome: what reaches $HOME and with which modes), cmd/entrypoint/main.go (a refused flag
/// stops the step with exit code 2), apply.go (ApplyCredentialsPath).
/// </summary>
public sealed class CredentialTests
{
    private const string SshSecret = """
        apiVersion: v1
        kind: Secret
        type: kubernetes.io/ssh-auth
        metadata:
          name: ssh-key
          annotations:
            tekton.dev/git-0: localhost
            tekton.dev/git-1: github.com/org/repo
            tekton.dev/git-2: example.com:2222
        stringData:
          ssh-privatekey: PRIVATE
          known_hosts: HOSTS
        ---

        """;

    [Fact]
    public async Task An_ssh_secret_gives_each_step_a_key_a_config_and_known_hosts_in_creds_and_home()
    {
        var outcome = await new EngineRun().RunAsync(SshSecret + """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: builder
            secrets:
              - name: ssh-key
            ---
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              serviceAccountName: builder
              taskSpec:
                steps:
                  - {name: one, image: alpine, script: echo $(credentials.path)}
                  - {name: two, image: alpine, script: echo two}
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        Assert.Equal("/tekton/creds\ntwo\n", outcome.LogOf("tr"));
        var expected = new[]
        {
            ("/tekton/creds", (string?)null, 0x1FF),
            ("/tekton/creds/.ssh", null, 0x1ED),
            ("/tekton/creds/.ssh/id_ssh-key", "PRIVATE", 0x180),
            ("/tekton/creds/.ssh/config", """
                Host example.com
                    HostName example.com
                    Port 2222
                    IdentityFile /tekton/creds/.ssh/id_ssh-key
                Host localhost
                    HostName localhost
                    Port 22
                    IdentityFile /tekton/creds/.ssh/id_ssh-key
                Host github.com--org--repo
                    HostName github.com
                    Port 22
                    IdentityFile /tekton/creds/.ssh/id_ssh-key

                """, 0x180),
            ("/tekton/creds/.ssh/known_hosts", "HOSTS\nHOSTS\nHOSTS", 0x180),
            ("/tekton/creds/.gitconfig", """
                [url "git@github.com--org--repo:org/repo.git"]
                	insteadOf = git@github.com:org/repo.git
                [url "ssh://github.com--org--repo/org/repo.git"]
                	insteadOf = ssh://github.com/org/repo.git

                """, 0x180),
            (".docker", null, -1),
            (".gitconfig", null, 0x180),
            (".ssh", null, 0x1C0),
            (".ssh/id_ssh-key", "PRIVATE", 0x180),
            (".ssh/config", null, 0x180),
            (".ssh/known_hosts", "HOSTS\nHOSTS\nHOSTS", 0x180),
        };
        foreach (var step in outcome.Steps)
        {
            var files = step.Spec.Files;
            foreach (var (path, content, mode) in expected)
            {
                var file = files.FirstOrDefault(f => f.Path == path);
                if (mode < 0)
                {
                    Assert.Null(file);
                    continue;
                }

                Assert.True(file is not null, $"{step.Container} has no {path}");
                Assert.Equal(mode, file.Mode);
                if (content is not null)
                {
                    Assert.Equal(content.Replace("\r\n", "\n", StringComparison.Ordinal), Encoding.UTF8.GetString(file.Content!));
                }
            }

            Assert.Equal(files.Single(f => f.Path == "/tekton/creds/.gitconfig").Content, files.Single(f => f.Path == ".gitconfig").Content);
            Assert.DoesNotContain(files, f => f.Path.Contains("git-credentials", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_basic_auth_secret_gives_git_store_credentials_and_a_docker_config()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: v1
            kind: Secret
            type: kubernetes.io/basic-auth
            metadata:
              name: basic
              annotations:
                tekton.dev/git-1: https://github.com/org/repo
                tekton.dev/git-0: https://github.com
                tekton.dev/docker-0: https://index.docker.io/v1/
            stringData:
              username: us\er
              password: "p@ss:w/rd"
            ---
            apiVersion: v1
            kind: Secret
            type: kubernetes.io/dockerconfigjson
            metadata:
              name: registry
            stringData:
              .dockerconfigjson: '{"auths":{"registry.local:5000":{"auth":"eDp5","identitytoken":"dropped"},"https://index.docker.io/v1/":{"auth":"replaced"}},"credHelpers":{}}'
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: opaque
              annotations:
                tekton.dev/git-0: https://ignored.example
            stringData:
              username: nobody
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: default
            secrets:
              - name: basic
              - name: registry
              - name: opaque
              - name: not-declared
            ---
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                steps:
                  - {name: one, image: alpine, script: echo one}
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        var files = outcome.Steps.Single().Spec.Files;
        Assert.Equal(
            ["/tekton/creds", "/tekton/creds/.docker", "/tekton/creds/.docker/config.json", "/tekton/creds/.gitconfig", "/tekton/creds/.git-credentials",
             ".docker", ".docker/config.json", ".gitconfig", ".git-credentials"],
            files.Select(f => f.Path));
        Assert.Equal("""
            [credential]
            	helper = store
            [credential "https://github.com"]
            	username = us\\er
            [credential "https://github.com/org/repo"]
            	username = us\\er
            	useHttpPath = true

            """.Replace("\r\n", "\n", StringComparison.Ordinal), Text(files, ".gitconfig"));
        Assert.Equal("https://us%5Cer:p%40ss%3Aw%2Frd@github.com\nhttps://us%5Cer:p%40ss%3Aw%2Frd@github.com/org/repo\n", Text(files, ".git-credentials"));
        Assert.Equal(
            """{"auths":{"https://index.docker.io/v1/":{"username":"us\\er","password":"p@ss:w/rd","auth":"dXNcZXI6cEBzczp3L3Jk","email":"not@val.id"},"registry.local:5000":{"auth":"eDp5"}}}""",
            Text(files, ".docker/config.json"));
        Assert.Equal((0x1C0, 0x180), (files.Single(f => f.Path == ".docker").Mode, files.Single(f => f.Path == ".docker/config.json").Mode));
    }

    [Fact]
    public async Task Without_a_service_account_steps_get_no_credentials_and_credentials_path_still_resolves()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                steps:
                  - {name: one, image: alpine, script: echo $(credentials.path)}
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        Assert.Empty(outcome.Steps.Single().Spec.Files);
        Assert.Equal("/tekton/creds\n", outcome.LogOf("tr"));
    }

    [Fact]
    public async Task A_named_service_account_that_does_not_exist_fails_the_pod_creation()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              serviceAccountName: robot
              taskSpec:
                steps:
                  - {name: one, image: alpine, script: echo one}
            """);

        Expect.Condition(outcome.Condition, "False", "PodCreationFailed", "failed to create task run pod \"tr\": serviceaccounts \"robot\" not found. Maybe invalid TaskSpec");
        Assert.Empty(outcome.Steps);
    }

    [Fact]
    public async Task A_secret_without_its_key_stops_the_first_step_as_the_entrypoint_does()
    {
        var outcome = await new EngineRun().RunAsync("""
            apiVersion: v1
            kind: Secret
            type: kubernetes.io/ssh-auth
            metadata:
              name: no-key
              annotations:
                tekton.dev/git-0: github.com
            stringData:
              known_hosts: HOSTS
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: builder
            secrets:
              - name: no-key
            ---
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              serviceAccountName: builder
              taskSpec:
                steps:
                  - {name: one, image: alpine, script: echo one}
            """);

        Expect.Condition(
            outcome.Condition,
            "False",
            "StepFailed",
            "\"step-one\" exited with code 2: invalid value \"no-key=github.com\" for flag -ssh-git: open /tekton/creds-secrets/no-key/ssh-privatekey: no such file or directory");
        Assert.Empty(outcome.Steps);
    }

    [Fact]
    public async Task Sidecars_get_no_credentials()
    {
        var outcome = await new EngineRun().RunAsync(SshSecret + """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: default
            secrets:
              - name: ssh-key
            ---
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              name: tr
            spec:
              taskSpec:
                sidecars:
                  - {name: server, image: alpine, script: echo server}
                steps:
                  - {name: one, image: alpine, script: echo one}
            """);

        Expect.Condition(outcome.Condition, "True", "Succeeded");
        Assert.NotEmpty(outcome.Steps.Single().Spec.Files);
        Assert.Empty(outcome.Executor.SandboxSpecs.Single().Sidecars.Single().Container.Files);
    }

    private static string Text(System.Collections.Immutable.ImmutableArray<ContainerFile> files, string path) =>
        Encoding.UTF8.GetString(files.Single(f => f.Path == path).Content!);
}
