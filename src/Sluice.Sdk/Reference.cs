namespace Sluice.Sdk;

/// <summary>
/// A Tekton variable such as <c>$(params.url)</c> or <c>$(tasks.clone.results.commit)</c>, made by a builder
/// from something it declared, so that a typo is a compile error or a build-time error rather than an
/// unresolved string at run time. It converts to its <c>$(...)</c> text wherever a string is expected.
/// </summary>
public abstract record Reference
{
    private protected Reference()
    {
    }

    /// <summary>The variable without <c>$(</c> and <c>)</c>, such as <c>params.url</c>.</summary>
    public abstract string Expression { get; }

    /// <summary>The variable as Tekton writes it, such as <c>$(params.url)</c>.</summary>
    public static implicit operator string(Reference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return reference.ToString();
    }

    /// <summary>The variable as Tekton writes it, such as <c>$(params.url)</c>.</summary>
    public sealed override string ToString() => $"$({Expression})";

    private protected static string Variable(string expression) => $"$({expression})";
}

/// <summary>A param of a Task or Pipeline: <c>$(params.name)</c>.</summary>
/// <param name="Name">The param's name.</param>
public sealed record ParamReference(string Name) : Reference
{
    /// <inheritdoc />
    public override string Expression => $"params.{Name}";

    /// <summary>Every item of an array param, for an array field: <c>$(params.name[*])</c>.</summary>
    public string All => Variable($"{Expression}[*]");

    /// <summary>One key of an object param: <c>$(params.name.key)</c>.</summary>
    /// <param name="key">The key.</param>
    public string Key(string key) => Variable($"{Expression}.{key}");
}

/// <summary>
/// A result of a pipeline task: <c>$(tasks.task.results.name)</c>, or <c>$(finally.task.results.name)</c> for a
/// finally task. A pipeline task that uses it depends on the task that writes it, as in Tekton.
/// </summary>
/// <param name="Task">The pipeline task.</param>
/// <param name="Result">The result's name.</param>
/// <param name="Finally">Whether the pipeline task is a finally task.</param>
public sealed record TaskResultReference(string Task, string Result, bool Finally = false) : Reference
{
    /// <inheritdoc />
    public override string Expression => $"{(Finally ? "finally" : "tasks")}.{Task}.results.{Result}";

    /// <summary>Every item of an array result: <c>$(tasks.task.results.name[*])</c>.</summary>
    public string All => Variable($"{Expression}[*]");

    /// <summary>One key of an object result: <c>$(tasks.task.results.name.key)</c>.</summary>
    /// <param name="key">The key.</param>
    public string Key(string key) => Variable($"{Expression}.{key}");
}

/// <summary>The file a Task's step writes a result to: <c>$(results.name.path)</c>.</summary>
/// <param name="Name">The result's name.</param>
public sealed record ResultPathReference(string Name) : Reference
{
    /// <inheritdoc />
    public override string Expression => $"results.{Name}.path";
}

/// <summary>Where a Task's workspace is mounted: <c>$(workspaces.name.path)</c>.</summary>
/// <param name="Name">The workspace's name.</param>
public sealed record WorkspaceReference(string Name) : Reference
{
    /// <inheritdoc />
    public override string Expression => $"workspaces.{Name}.path";

    /// <summary>Whether a run bound the workspace, <c>true</c> or <c>false</c>: <c>$(workspaces.name.bound)</c>.</summary>
    public string Bound => Variable($"workspaces.{Name}.bound");
}

/// <summary>A workspace a Pipeline declares, which its tasks' workspaces are bound to.</summary>
/// <param name="Name">The workspace's name.</param>
public sealed record PipelineWorkspace(string Name)
{
    /// <summary>Whether the run bound the workspace, <c>true</c> or <c>false</c>: <c>$(workspaces.name.bound)</c>.</summary>
    public string Bound => $"$(workspaces.{Name}.bound)";
}
