namespace Sluice.Engine.Execution;

/// <summary>An image could not be found or pulled; the TaskRun fails with Tekton's <c>TaskRunImagePullFailed</c>.</summary>
public sealed class ImageUnavailableException : Exception
{
    /// <summary>Makes the exception.</summary>
    public ImageUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Makes the exception with its cause.</summary>
    public ImageUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Makes the exception.</summary>
    public ImageUnavailableException()
    {
    }
}

/// <summary>
/// The backend cannot run a container as specified (a feature it lacks, a refused setting); the
/// TaskRun fails with Tekton's <c>CreateContainerConfigError</c> reason and this message.
/// </summary>
public sealed class SandboxConfigurationException : Exception
{
    /// <summary>Makes the exception.</summary>
    public SandboxConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Makes the exception with its cause.</summary>
    public SandboxConfigurationException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Makes the exception.</summary>
    public SandboxConfigurationException()
    {
    }
}
