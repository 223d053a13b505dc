namespace Sluice.Engine.Tasks;

/// <summary>A TaskRun cannot run: resolution or validation failed. Becomes the TaskRun's Failed condition.</summary>
public sealed class TaskRunFailure : Exception
{
    /// <summary>Makes the failure.</summary>
    /// <param name="reason">Tekton's reason, such as <c>TaskRunValidationFailed</c>.</param>
    /// <param name="message">Tekton's message.</param>
    public TaskRunFailure(string reason, string message)
        : base(message) => Reason = reason;

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
