namespace Sluice.Engine.Tasks;

/// <summary>A TaskRun cannot run: resolution or validation failed. Becomes the TaskRun's Failed condition.</summary>
public sealed class TaskRunFailure : Exception
{
    /// <summary>Makes the failure.</summary>
    /// <param name="reason">Tekton's reason, such as <c>TaskRunValidationFailed</c>.</param>
    /// <param name="message">Tekton's message.</param>
    /// <param name="needsCluster">Whether the cause is a feature only a Kubernetes cluster provides.</param>
    public TaskRunFailure(string reason, string message, bool needsCluster = false)
        : base(message)
    {
        Reason = reason;
        NeedsCluster = needsCluster;
    }

    /// <summary>Whether the cause is a feature only a Kubernetes cluster provides (resolvers, CSI volumes...).</summary>
    public bool NeedsCluster { get; }

    /// <summary>The object in the input the failure is about, so it can be shown at its position.</summary>
    public object? Owner { get; init; }

    /// <summary>The field of <see cref="Owner"/> the failure is about.</summary>
    public string? Field { get; init; }

    /// <summary>How to fix it, when there is an obvious fix.</summary>
    public string? Fix { get; init; }

    /// <summary>Makes the failure.</summary>
    public TaskRunFailure()
    {
    }

    /// <summary>Makes the failure.</summary>
    public TaskRunFailure(string message)
        : base(message)
    {
    }

    /// <summary>Makes the failure.</summary>
    public TaskRunFailure(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Tekton's reason.</summary>
    public string Reason { get; } = "Failed";
}
