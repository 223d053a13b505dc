namespace Sluice.Catalog.Custom;

/// <summary>A failure a user can cause in a catalog custom task: its reason and a message saying where and why.</summary>
public sealed class CatalogTaskFailure : Exception
{
    /// <summary>A failure with Tekton-style reason, such as <c>ChartInvalid</c>.</summary>
    public CatalogTaskFailure(string reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>A failure with the default reason.</summary>
    public CatalogTaskFailure()
        : this("Failed", "the task failed")
    {
    }

    /// <summary>A failure with the default reason.</summary>
    public CatalogTaskFailure(string message)
        : this("Failed", message)
    {
    }

    /// <summary>A failure with the default reason and its cause.</summary>
    public CatalogTaskFailure(string message, Exception inner)
        : base(message, inner)
    {
        Reason = "Failed";
    }

    /// <summary>The reason the TaskRun fails with.</summary>
    public string Reason { get; } = "Failed";
}
