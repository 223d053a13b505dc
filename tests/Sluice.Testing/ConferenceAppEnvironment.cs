using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Sluice.Oci.Distribution;
using Sluice.Testing.Git;

namespace Sluice.Testing;

/// <summary>
/// What a platform team's service pipeline runs against, started here on 127.0.0.1: a Git server over
/// HTTP holding examples/conference-app and an environment repository (pushes need Basic auth), a
/// docker-registry with htpasswd auth holding the runtime base image, a sink for CloudEvents, an OSV
/// advisory directory, and a <c>$SLUICE_HOME</c> shared by the runs, so later runs find the cache.
/// The end-to-end tests and the service-pipeline benchmark run the real <c>sluice</c> against it.
/// </summary>
/// <param name="repositoryRoot">The Sluice checkout whose examples/conference-app and eng/images are used.</param>
/// <param name="sluice">The <c>sluice</c> program that runs the pipelines.</param>
public class ConferenceAppEnvironment(string repositoryRoot, string sluice) : IAsyncDisposable
{
    public const string GitUser = "pipeline";
    public const string GitPassword = "g1t-Pa55-never-printed";
    public const string RegistryUser = "pusher";
    public const string RegistryPassword = "reg1stry-Pa55-never-printed";

    /// <summary>The services: directory, project and apphost (none for the one built from its Dockerfile), values block.</summary>
    public static readonly IReadOnlyList<Service> Services =
    [
        new("agenda-service", "agenda-service/src/AgendaService.csproj", "/app/AgendaService", "agendaService"),
        new("c4p-service", "c4p-service/src/C4pService.csproj", "/app/C4pService", "c4pService"),
        new("notifications-service", "notifications-service/src/NotificationsService.csproj", "/app/NotificationsService", "notificationsService"),
        new("frontend", null, null, "frontend"),
    ];

    private readonly string _work = Directory.CreateTempSubdirectory("sluice-e2e-").FullName;

    public GitServer Git { get; private set; } = null!;

    public GitRepository Application { get; private set; } = null!;

    public GitRepository Environment { get; private set; } = null!;

    public RegistryServer Registry { get; private set; } = null!;

    public EventSink Events { get; private set; } = null!;

    /// <summary>The base image in the registry, by digest.</summary>
    public string BaseImage { get; private set; } = string.Empty;

    /// <summary>Where the application's images, binaries and charts go.</summary>
    public string Destination => $"{Registry.Host}/conference-app";

    public string Home => Path.Combine(_work, "home");

    /// <summary>A Docker configuration directory with the registry's credentials, for docker and skopeo.</summary>
    public string DockerConfig => Path.Combine(_work, "docker");

    public string Advisories => Path.Combine(Home, "claims", "default", "advisories");

    public string Work => _work;

    /// <summary>Gets each line sluice prints on standard output as it comes, when set.</summary>
    public Action<string>? OutputLine { get; set; }

    /// <summary>Starts the servers and seeds the repositories, the registry and the advisories.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Git = await GitServer.StartAsync(new NetworkCredential(GitUser, GitPassword), cancellationToken);
        Application = await Git.CreateRepositoryAsync("conference-app", Path.Combine(repositoryRoot, "examples", "conference-app"), null, cancellationToken);
        Environment = await Git.CreateRepositoryAsync("environment", new Dictionary<string, string>
        {
            ["values/production.yaml"] = """
                # What production runs; the service pipelines promote each release here.
                agendaService:
                  image:
                    repository: ""
                    digest: ""
                    tag: ""
                c4pService:
                  image:
                    repository: ""
                    digest: ""
                    tag: ""
                notificationsService:
                  image:
                    repository: ""
                    digest: ""
                    tag: ""
                frontend:
                  image:
                    repository: ""
                    digest: ""
                    tag: ""
                charts: {}

                """,
        }, null, cancellationToken);
        Registry = await RegistryServer.StartWithBasicAuthAsync(RegistryUser, RegistryPassword, cancellationToken);
        Events = await EventSink.StartAsync(new Dictionary<string, int[]>(), cancellationToken);
        Directory.CreateDirectory(DockerConfig);
        await File.WriteAllTextAsync(Path.Combine(DockerConfig, "config.json"), DockerConfigJson(RegistryPassword), cancellationToken);
        var credentials = DockerCredentials.Parse(Encoding.UTF8.GetBytes(DockerConfigJson(RegistryPassword)), "test", out _)!;
        using (var client = new RegistryClient(new RegistryClientOptions { Credentials = credentials }))
        {
            BaseImage = (await StandInImages.PushRuntimeDepsAsync(client, Registry.Host, cancellationToken, Path.Combine(DockerConfig, "config.json"))).ToString();
        }

        // An advisory for a version of a package the services use that they do not use: checked, not matched.
        Directory.CreateDirectory(Advisories);
        await File.WriteAllTextAsync(Path.Combine(Advisories, "GHSA-test-0001.json"), Advisory("GHSA-test-0001", "xunit.v3", "0", "1.0.0"), cancellationToken);
    }

    /// <summary>Stops the servers and deletes everything the runs wrote.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Events is not null)
        {
            await Events.DisposeAsync();
        }

        if (Registry is not null)
        {
            await Registry.DisposeAsync();
        }

        if (Git is not null)
        {
            await Git.DisposeAsync();
        }

        Directory.Delete(_work, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>A Docker configuration with the registry's credentials.</summary>
    public string DockerConfigJson(string password) =>
        new JsonObject
        {
            ["auths"] = new JsonObject
            {
                [Registry.Host] = new JsonObject { ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RegistryUser}:{password}")) },
            },
        }.ToJsonString();

    /// <summary>An OSV advisory for a NuGet package from one version until a fixed one.</summary>
    public static string Advisory(string id, string package, string introduced, string fixedVersion) => $$"""
        {
          "id": "{{id}}",
          "summary": "A test advisory for {{package}}",
          "affected": [
            {
              "package": {"ecosystem": "NuGet", "name": "{{package}}"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "{{introduced}}"}, {"fixed": "{{fixedVersion}}"}]}]
            }
          ]
        }
        """;

    /// <summary>The Secrets the runs bind: Git and registry credentials.</summary>
    public string Secrets(string registryPassword) => $$"""
        apiVersion: v1
        kind: Secret
        metadata:
          name: git-credentials
        stringData:
          .git-credentials: http://{{GitUser}}:{{GitPassword}}@127.0.0.1:{{Git.Port}}
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: registry-credentials
        type: kubernetes.io/dockerconfigjson
        stringData:
          .dockerconfigjson: '{{DockerConfigJson(registryPassword)}}'
        """;

    /// <summary>
    /// A PipelineRun of the service pipeline for one service, the Dockerfile variant for a service without a project;
    /// with <paramref name="featureBranch"/>, of the feature-branch pipeline for the branch <paramref name="revision"/>,
    /// which promotes nothing and tells <c>/prereleases</c>.
    /// </summary>
    public string PipelineRun(Service service, string name, string revision = "main", bool featureBranch = false) => $$"""
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          name: {{name}}
          annotations:
            sluice.dev/paths: {{service.Directory}}
        spec:
          pipelineRef: {name: {{(featureBranch ? "feature-branch-pipeline" : service.Project is null ? "dockerfile-service-pipeline" : "service-pipeline")}}}
          params:
            - {name: repository-url, value: "{{Application.Url}}"}
            - {name: revision, value: {{revision}}}
            - {name: service, value: {{service.Directory}}}
            - {name: values-key, value: {{service.ValuesKey}}}
            - {name: registry, value: {{Destination}}}
            - {name: subscribers, value: ["{{Events.BaseUrl}}/{{(featureBranch ? "prereleases" : "releases")}}"]}
        {{(featureBranch ? string.Empty : EnvironmentParams)}}
        {{(service.Project is null ? DockerfileParams : DaemonlessParams(service))}}
          workspaces:
            - name: source
              volumeClaimTemplate:
                spec:
                  accessModes: [ReadWriteOnce]
                  resources:
                    requests:
                      storage: 1Gi
            - name: nuget-cache
              persistentVolumeClaim: {claimName: nuget}
            - name: advisories
              persistentVolumeClaim: {claimName: advisories}
            - name: git-credentials
              secret: {secretName: git-credentials}
            - name: dockerconfig
              secret: {secretName: registry-credentials}
        """;

    /// <summary>Runs PipelineRuns with the example's pipeline and the stand-in image map; returns sluice's exit code and output.</summary>
    public Task<(int ExitCode, string Output)> RunAsync(string name, string yaml, CancellationToken cancellationToken, params string[] extra) =>
        RunInAsync(_work, name, yaml, cancellationToken, extra);

    /// <summary>Runs PipelineRuns as <see cref="RunAsync"/> does, from <paramref name="directory"/> (a clone, for <c>--changed-since</c>).</summary>
    public async Task<(int ExitCode, string Output)> RunInAsync(string directory, string name, string yaml, CancellationToken cancellationToken, params string[] extra)
    {
        var file = Path.Combine(_work, name + ".yaml");
        await File.WriteAllTextAsync(file, yaml, cancellationToken);
        var pipelines = Path.Combine(repositoryRoot, "examples", "conference-app", ".tekton");
        var standIns = Path.Combine(repositoryRoot, "eng", "images", "standins.yaml");
        return await SluiceAsync(directory, TimeSpan.FromMinutes(15), cancellationToken, ["run", "--network", "host", "--config", standIns, .. extra, pipelines, file]);
    }

    /// <summary>Runs <c>sluice ARGS</c> in <paramref name="directory"/> with this environment's home and Docker configuration.</summary>
    public async Task<(int ExitCode, string Output)> SluiceAsync(string directory, TimeSpan limit, CancellationToken cancellationToken, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["SLUICE_HOME"] = Home, ["NO_COLOR"] = "1", ["DOCKER_CONFIG"] = DockerConfig };
        var result = await ProcessRunner.RunAsync(sluice, args, limit, cancellationToken, directory, environment, OutputLine);
        return (result.ExitCode, result.Stdout + result.Stderr);
    }

    /// <summary>Where a release of main is promoted: the environment repository.</summary>
    private string EnvironmentParams => $$"""
            - {name: environment-repository, value: "{{Environment.Url}}"}
        """;

    /// <summary>The Dockerfile's base images: the SDK stand-in, and the runtime-deps stand-ins as one index in the registry.</summary>
    private string DockerfileParams => $$"""
            - {name: build-args, value: [SDK_IMAGE=sluice-standin/dotnet-sdk:bookworm, RUNTIME_DEPS_IMAGE={{BaseImage}}]}
        """;

    private string DaemonlessParams(Service service) => $$"""
            - {name: project, value: {{service.Project}}}
            - {name: entrypoint, value: {{service.Entrypoint}}}
            - {name: base-image, value: {{BaseImage}}}
        """;

    /// <summary>A service of the application and where the pipeline finds its parts; the one without a project is built from its Dockerfile.</summary>
    public sealed record Service(string Directory, string? Project, string? Entrypoint, string ValuesKey);
}
