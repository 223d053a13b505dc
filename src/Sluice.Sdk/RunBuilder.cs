using System.Collections.Immutable;
using Sluice.Model;
using Sluice.Model.Kubernetes;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Sdk;

/// <summary>What TaskRuns and PipelineRuns share: param values and what backs each workspace.</summary>
/// <typeparam name="TSelf">The builder, so that chained calls keep its type.</typeparam>
/// <typeparam name="TResource">The run record it builds.</typeparam>
public abstract class RunBuilder<TSelf, TResource> : ResourceBuilder<TSelf, TResource>
    where TSelf : RunBuilder<TSelf, TResource>
    where TResource : class, IResource
{
    private protected RunBuilder(string name)
        : base(new ObjectMeta { Name = name })
    {
        Declarations.RequireName(name, "run");
    }

    private protected ImmutableArray<Param> ParamValues { get; private set; } = [];

    private protected ImmutableArray<WorkspaceBinding> Workspaces { get; private set; } = [];

    /// <summary>Gives a string param its value.</summary>
    /// <param name="name">The param.</param>
    /// <param name="value">The value.</param>
    public TSelf Param(string name, string value) => Bind(name, ParamValue.Of(value));

    /// <summary>Gives an array param its items.</summary>
    /// <param name="name">The param.</param>
    /// <param name="items">The items.</param>
    public TSelf Param(string name, IEnumerable<string> items) => Bind(name, ParamValue.Of(items));

    /// <summary>Gives an object param its keys and values.</summary>
    /// <param name="name">The param.</param>
    /// <param name="value">The keys and values.</param>
    public TSelf Param(string name, IReadOnlyDictionary<string, string> value) => Bind(name, ParamValue.Of(value));

    /// <summary>Gives several params their values, such as <see cref="Programs.PipelineProgram.BoundParams"/> from a program's command line.</summary>
    /// <param name="values">The params, each replacing any earlier value of the same name.</param>
    public TSelf Params(IEnumerable<Param> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var value in values)
        {
            Bind(value.Name, value.Value);
        }

        return (TSelf)this;
    }

    /// <summary>Backs a workspace with a fresh empty directory.</summary>
    /// <param name="name">The workspace.</param>
    public TSelf EmptyDirWorkspace(string name) => Workspace(new WorkspaceBinding { Name = name, EmptyDir = new EmptyDirVolumeSource() });

    /// <summary>Backs a workspace with a claim: on Sluice a named directory that outlives runs.</summary>
    /// <param name="name">The workspace.</param>
    /// <param name="claimName">The claim's name.</param>
    /// <param name="subPath">A directory inside the claim to use instead of its root.</param>
    public TSelf ClaimWorkspace(string name, string claimName, string? subPath = null) =>
        Workspace(new WorkspaceBinding { Name = name, SubPath = subPath, PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = claimName } });

    /// <summary>Backs a workspace with the keys of a Secret, as files.</summary>
    /// <param name="name">The workspace.</param>
    /// <param name="secretName">The Secret's name.</param>
    public TSelf SecretWorkspace(string name, string secretName) =>
        Workspace(new WorkspaceBinding { Name = name, Secret = new SecretVolumeSource { SecretName = secretName } });

    /// <summary>Backs a workspace with the keys of a ConfigMap, as files.</summary>
    /// <param name="name">The workspace.</param>
    /// <param name="configMapName">The ConfigMap's name.</param>
    public TSelf ConfigMapWorkspace(string name, string configMapName) =>
        Workspace(new WorkspaceBinding { Name = name, ConfigMap = new ConfigMapVolumeSource { Name = configMapName } });

    /// <summary>Backs a workspace with any binding the model has, such as a <c>volumeClaimTemplate</c>.</summary>
    /// <param name="binding">The binding, replacing any earlier one of the same name.</param>
    public TSelf Workspace(WorkspaceBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        Declarations.RequireName(binding.Name, "workspace binding");
        Workspaces = Declarations.Put(Workspaces, binding, w => w.Name);
        return (TSelf)this;
    }

    private TSelf Bind(string name, ParamValue value)
    {
        Declarations.RequireName(name, "param");
        ParamValues = Declarations.Put(ParamValues, new Param { Name = name, Value = value }, p => p.Name);
        return (TSelf)this;
    }
}
