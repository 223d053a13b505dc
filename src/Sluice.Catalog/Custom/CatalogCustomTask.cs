using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Sluice.Engine.Caching;
using Sluice.Engine.CustomTasks;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;
using Sluice.Oci;
using Sluice.Oci.Distribution;

namespace Sluice.Catalog.Custom;

/// <summary>
/// What the catalog's custom tasks share: the apiVersion, a version, registry access with credentials from
/// a <c>dockerconfig</c> workspace or the user's Docker configuration, and the turning of a
/// <see cref="CatalogTaskFailure"/> or a registry's refusal into the TaskRun's failure.
/// </summary>
public abstract class CatalogCustomTask(CatalogServices services) : ICustomTask
{
    /// <summary>The workspace that may hold a Docker configuration (<c>config.json</c> or <c>.dockerconfigjson</c>).</summary>
    public const string DockerConfigWorkspace = "dockerconfig";

    /// <inheritdoc />
    public string ApiVersion => CustomTaskNames.SluiceApiVersion;

    /// <inheritdoc />
    public abstract string Kind { get; }

    /// <summary>The task's version, as a catalog Task's <c>app.kubernetes.io/version</c>.</summary>
    public virtual string Version => "0.1";

    /// <inheritdoc />
    public abstract TaskSpec Declaration { get; }

    /// <summary>The services it was made with.</summary>
    protected CatalogServices Services { get; } = services;

    /// <inheritdoc />
    public async ValueTask<CustomTaskOutcome> RunAsync(CustomTaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await ExecuteAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (CatalogTaskFailure failure)
        {
            return CustomTaskOutcome.Failed(failure.Reason, failure.Message);
        }
        catch (RegistryException e)
        {
            var reason = e.Error.Status is 401 or 403 ? "RegistryAuthenticationFailed" : "RegistryRefused";
            return CustomTaskOutcome.Failed(reason, e.Message);
        }
        catch (HttpRequestException e)
        {
            return CustomTaskOutcome.Failed("Unreachable", e.Message);
        }
    }

    /// <summary>Does the work; throws <see cref="CatalogTaskFailure"/> for what a user can fix.</summary>
    protected abstract ValueTask<CustomTaskOutcome> ExecuteAsync(CustomTaskContext context, CancellationToken cancellationToken);

    /// <summary>A registry client with the credentials of the <c>dockerconfig</c> workspace when bound, else the user's Docker configuration.</summary>
    protected RegistryClient OpenRegistry(CustomTaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = Services.DockerConfigPath;
        if (context.Workspace(DockerConfigWorkspace) is { } directory)
        {
            path = new[] { "config.json", ".dockerconfigjson" }.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists)
                ?? throw new CatalogTaskFailure("CredentialsMissing", $"workspace \"{DockerConfigWorkspace}\" holds neither config.json nor .dockerconfigjson; bind a Secret of type kubernetes.io/dockerconfigjson or a Docker configuration directory");
        }

        var credentials = DockerCredentials.Load(path, out var error)
            ?? throw new CatalogTaskFailure("CredentialsInvalid", error ?? $"{path}: cannot read the Docker configuration");
        return new RegistryClient(Services.Registry with { Credentials = credentials });
    }

    /// <summary>
    /// The digest of everything a publisher's result depends on: its kind and version, every param, and
    /// what else it read (<paramref name="inputs"/>: tree digests, resolved base images). Credentials are
    /// not part of it: the registry is asked with them before anything remembered counts.
    /// </summary>
    protected Digest InputKey(CustomTaskContext context, IEnumerable<KeyValuePair<string, string>> inputs)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parameters = new JsonObject();
        foreach (var (name, value) in context.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            parameters[name] = value.Type == ParamType.Array ? new JsonArray([.. value.ArrayValue.Select(i => JsonValue.Create(i))]) : JsonValue.Create(value.StringValue);
        }

        var read = new JsonObject();
        foreach (var (name, value) in inputs.OrderBy(i => i.Key, StringComparer.Ordinal))
        {
            read[name] = value;
        }

        var key = new JsonObject { ["customTask"] = $"{ApiVersion}/{Kind}", ["version"] = Version, ["params"] = parameters, ["inputs"] = read };
        return Digest.Sha256(CanonicalJson.SerializeToUtf8Bytes(key));
    }

    /// <summary>
    /// The results these inputs gave before, when the registry still holds what the <paramref name="reference"/>
    /// result names (<c>REPOSITORY@DIGEST</c>): the publish is then up to date without building anything to
    /// learn its digest. Null when nothing is remembered or the registry lacks it (the caller builds).
    /// </summary>
    protected static async ValueTask<CustomTaskOutcome?> RecallPublishedAsync(CustomTaskContext context, Digest key, string reference, RegistryClient registry, Func<ImmutableDictionary<string, string>, string> message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(message);
        if (context.Cache is not { } cache || await cache.RecallAsync(key, cancellationToken).ConfigureAwait(false) is not { } memory
            || !memory.Results.TryGetValue(reference, out var published) || OciReference.Parse(published, out _) is not { Digest: not null } target)
        {
            return null;
        }

        if (await registry.HeadManifestAsync(target, cancellationToken).ConfigureAwait(false) is null)
        {
            await context.Log.WriteLineAsync($"{published}: built from these inputs before (TaskRun {memory.SourceTaskRun}), but the registry no longer has it; building again", cancellationToken).ConfigureAwait(false);
            return null;
        }

        var results = memory.Results.ContainsKey("outcome") ? memory.Results.SetItem("outcome", "up-to-date") : memory.Results;
        await context.Log.WriteLineAsync($"{published}: up-to-date (the inputs of TaskRun {memory.SourceTaskRun}, unchanged; the registry has it)", cancellationToken).ConfigureAwait(false);
        return CustomTaskOutcome.Success(results.ToImmutableDictionary(r => r.Key, r => ParamValue.Of(r.Value), StringComparer.Ordinal), message(results));
    }

    /// <summary>Remembers a success's string results under the key, for <see cref="RecallPublishedAsync"/>; returns the outcome. A null key remembers nothing.</summary>
    protected static async ValueTask<CustomTaskOutcome> RememberAsync(CustomTaskContext context, Digest? key, CustomTaskOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(outcome);
        if (key is not null && outcome.Succeeded && context.Cache is { } cache)
        {
            var results = outcome.Results.Where(r => r.Value.Type == ParamType.String).ToImmutableDictionary(r => r.Key, r => r.Value.StringValue, StringComparer.Ordinal);
            await cache.RememberAsync(key, results, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>A path inside a workspace, refused when it leaves the workspace.</summary>
    protected static string InWorkspace(CustomTaskContext context, string workspace, string relative)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = context.Workspace(workspace) ?? throw new CatalogTaskFailure("WorkspaceMissing", $"workspace \"{workspace}\" is not bound");
        var full = Path.GetFullPath(Path.Combine(root, relative));
        var rootFull = Path.GetFullPath(root).TrimEnd('/');
        if (full != rootFull && !full.StartsWith(rootFull + "/", StringComparison.Ordinal))
        {
            throw new CatalogTaskFailure("InvalidParam", $"\"{relative}\" leaves workspace \"{workspace}\"");
        }

        return full;
    }

    /// <summary>Results from name/value pairs.</summary>
    protected static ImmutableDictionary<string, ParamValue> Results(params (string Name, string Value)[] results) =>
        results.ToImmutableDictionary(r => r.Name, r => ParamValue.Of(r.Value), StringComparer.Ordinal);

    /// <summary>A string param's declaration.</summary>
    protected static ParamSpec Param(string name, string description, string? defaultValue = null) =>
        new() { Name = name, Description = description, Default = defaultValue is null ? null : ParamValue.Of(defaultValue) };

    /// <summary>An array param's declaration.</summary>
    protected static ParamSpec ArrayParam(string name, string description, params string[] defaults) =>
        new() { Name = name, Description = description, TypeName = "array", Default = ParamValue.Of(defaults) };

    /// <summary>A result's declaration.</summary>
    protected static TaskResult Result(string name, string description) => new() { Name = name, Description = description };

    /// <summary>A workspace's declaration.</summary>
    protected static WorkspaceDeclaration Workspace(string name, string description, bool optional = false) =>
        new() { Name = name, Description = description, Optional = optional ? true : null };
}
