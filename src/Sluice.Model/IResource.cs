using Sluice.Model.Kubernetes;

namespace Sluice.Model;

/// <summary>A Kubernetes-style object: Tekton resources and the Kubernetes objects declared beside them.</summary>
public interface IResource
{
    /// <summary>The API group and version, such as <c>tekton.dev/v1</c>.</summary>
    string ApiVersion { get; }

    /// <summary>The kind, such as <c>PipelineRun</c>.</summary>
    string Kind { get; }

    /// <summary>Name, labels, annotations.</summary>
    ObjectMeta Metadata { get; }
}
