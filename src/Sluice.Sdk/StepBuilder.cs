using Sluice.Model;
using Sluice.Model.Tasks;

namespace Sluice.Sdk;

/// <summary>A step of a Task: one container run to completion, in order with the other steps.</summary>
public sealed class StepBuilder : ContainerBuilder<StepBuilder>
{
    private readonly string _name;
    private string? _script;
    private Duration? _timeout;
    private string? _onError;

    internal StepBuilder(string name, string? image)
        : base(image)
    {
        _name = name;
    }

    /// <summary>Sets a script to run instead of command and args; without a shebang it runs under <c>sh -e</c>.</summary>
    /// <param name="script">The script.</param>
    public StepBuilder Script(string script)
    {
        _script = script;
        return this;
    }

    /// <summary>Sets how long the step may run.</summary>
    /// <param name="timeout">The limit.</param>
    public StepBuilder Timeout(TimeSpan timeout)
    {
        _timeout = Duration.From(timeout);
        return this;
    }

    /// <summary>Lets the Task go on when this step fails (Tekton's <c>onError: continue</c>).</summary>
    public StepBuilder ContinueOnError()
    {
        _onError = "continue";
        return this;
    }

    internal Step ToStep() => new()
    {
        Name = _name,
        Image = ImageName,
        Command = CommandLine,
        Args = Arguments,
        Env = Variables,
        WorkingDir = Directory,
        Script = _script,
        Timeout = _timeout,
        OnError = _onError,
    };
}

/// <summary>A container that runs beside a Task's steps for the whole TaskRun, such as a registry or a database.</summary>
public sealed class SidecarBuilder : ContainerBuilder<SidecarBuilder>
{
    private readonly string _name;
    private string? _script;

    internal SidecarBuilder(string name, string? image)
        : base(image)
    {
        _name = name;
    }

    /// <summary>Sets a script to run instead of command and args.</summary>
    /// <param name="script">The script.</param>
    public SidecarBuilder Script(string script)
    {
        _script = script;
        return this;
    }

    internal Sidecar ToSidecar() => new()
    {
        Name = _name,
        Image = ImageName,
        Command = CommandLine,
        Args = Arguments,
        Env = Variables,
        WorkingDir = Directory,
        Script = _script,
    };
}

/// <summary>Defaults merged into every step of a Task, such as a shared image or environment.</summary>
public sealed class StepTemplateBuilder : ContainerBuilder<StepTemplateBuilder>
{
    internal StepTemplateBuilder()
        : base(null)
    {
    }

    internal StepTemplate ToStepTemplate() => new()
    {
        Image = ImageName,
        Command = CommandLine,
        Args = Arguments,
        Env = Variables,
        WorkingDir = Directory,
    };
}
