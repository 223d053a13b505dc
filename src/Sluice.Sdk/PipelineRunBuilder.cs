using Sluice.Model;
using Sluice.Model.Pipelines;
using Sluice.Model.Runs;

namespace Sluice.Sdk;

/// <summary>
/// Builds a Tekton <c>PipelineRun</c>:
/// <code>
/// var run = new PipelineRunBuilder("release-1")
///     .Pipeline(release)
///     .Param("url", "https://git.example/app.git")
///     .ClaimWorkspace("source", "app-source")
///     .Timeouts(pipeline: TimeSpan.FromHours(1), tasks: TimeSpan.FromMinutes(50))
///     .Build();
/// </code>
/// </summary>
public sealed class PipelineRunBuilder : RunBuilder<PipelineRunBuilder, PipelineRun>
{
    private PipelineReference? _pipelineRef;
    private PipelineSpec? _pipelineSpec;
    private TimeoutFields? _timeouts;
    private string? _serviceAccount;

    /// <summary>Starts a PipelineRun.</summary>
    /// <param name="name">The run's name.</param>
    public PipelineRunBuilder(string name)
        : base(name)
    {
    }

    /// <summary>Runs a Pipeline by its name (<c>pipelineRef</c>).</summary>
    /// <param name="pipeline">The Pipeline; the run refers to its <c>metadata.name</c>.</param>
    public PipelineRunBuilder Pipeline(PipelineDefinition pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return Pipeline(new PipelineReference { Name = pipeline.Metadata.Name });
    }

    /// <summary>Runs a Pipeline known by reference.</summary>
    /// <param name="reference">The reference, written as <c>pipelineRef</c>.</param>
    public PipelineRunBuilder Pipeline(PipelineReference reference)
    {
        _pipelineRef = reference;
        _pipelineSpec = null;
        return this;
    }

    /// <summary>Runs a Pipeline written inline (<c>pipelineSpec</c>).</summary>
    /// <param name="spec">The Pipeline's spec.</param>
    public PipelineRunBuilder Pipeline(PipelineSpec spec)
    {
        _pipelineSpec = spec;
        _pipelineRef = null;
        return this;
    }

    /// <summary>Sets the time limits; a limit left null keeps Tekton's default, zero means none.</summary>
    /// <param name="pipeline">The whole run (60 minutes by default).</param>
    /// <param name="tasks">The tasks, not counting finally tasks.</param>
    /// <param name="finally">The finally tasks.</param>
    public PipelineRunBuilder Timeouts(TimeSpan? pipeline = null, TimeSpan? tasks = null, TimeSpan? @finally = null)
    {
        _timeouts = new TimeoutFields
        {
            Pipeline = pipeline is { } p ? Duration.From(p) : null,
            Tasks = tasks is { } t ? Duration.From(t) : null,
            Finally = @finally is { } f ? Duration.From(f) : null,
        };
        return this;
    }

    /// <summary>Sets the service account of every TaskRun, whose Secrets give the steps credentials.</summary>
    /// <param name="name">The service account's name.</param>
    public PipelineRunBuilder ServiceAccount(string name)
    {
        _serviceAccount = name;
        return this;
    }

    private protected override PipelineRun Compose() => new()
    {
        Metadata = Metadata,
        Spec = new PipelineRunSpec
        {
            PipelineRef = _pipelineRef,
            PipelineSpec = _pipelineSpec,
            Params = ParamValues,
            Workspaces = Workspaces,
            Timeouts = _timeouts,
            TaskRunTemplate = _serviceAccount is null ? null : new PipelineTaskRunTemplate { ServiceAccountName = _serviceAccount },
        },
    };
}
