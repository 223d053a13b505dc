using Sluice.Model;
using Sluice.Model.Binding;
using Sluice.Model.Diagnostics;
using Sluice.Model.Kubernetes;
using Sluice.Model.Loading;
using Sluice.Model.Validation;
using Sluice.Model.Writing;

namespace Sluice.Sdk;

/// <summary>
/// What every resource builder shares: metadata, <see cref="Build"/> to the model's record after Tekton's static
/// validation, and <see cref="ToYaml"/>.
/// </summary>
/// <typeparam name="TSelf">The builder, so that chained calls keep its type.</typeparam>
/// <typeparam name="TResource">The model record it builds.</typeparam>
public abstract class ResourceBuilder<TSelf, TResource>
    where TSelf : ResourceBuilder<TSelf, TResource>
    where TResource : class, IResource
{
    private protected ResourceBuilder(ObjectMeta metadata)
    {
        Metadata = metadata;
    }

    /// <summary>The name, labels and annotations given so far.</summary>
    public ObjectMeta Metadata { get; private set; }

    /// <summary>Adds or replaces a label.</summary>
    /// <param name="key">The label's key.</param>
    /// <param name="value">The label's value.</param>
    public TSelf Label(string key, string value)
    {
        Metadata = Metadata with { Labels = Metadata.Labels.SetItem(key, value) };
        return (TSelf)this;
    }

    /// <summary>Adds or replaces an annotation, such as <c>sluice.dev/cache: "true"</c>.</summary>
    /// <param name="key">The annotation's key.</param>
    /// <param name="value">The annotation's value.</param>
    public TSelf Annotation(string key, string value)
    {
        Metadata = Metadata with { Annotations = Metadata.Annotations.SetItem(key, value) };
        return (TSelf)this;
    }

    /// <summary>The resource, checked as Tekton's admission webhook checks it.</summary>
    /// <exception cref="ResourceValidationException">The resource breaks one of Tekton's rules; every problem is listed.</exception>
    public TResource Build()
    {
        var resource = Compose();
        var display = resource.Metadata.Name is { Length: > 0 } name ? $"{resource.Kind}/{name}" : $"{resource.Kind}/{resource.Metadata.GenerateName}*";
        var diagnostics = new DiagnosticBag();
        ResourceValidator.Validate(new LoadedResource(resource, SourceLocation.None, SourceMap.Empty, 0), diagnostics);
        Check(resource, diagnostics);
        if (diagnostics.HasErrors)
        {
            throw new ResourceValidationException(display, [.. diagnostics.ToImmutable().Select(d => d with { Resource = display })]);
        }

        return resource;
    }

    /// <summary>The resource as Tekton YAML, after <see cref="Build"/>'s checks.</summary>
    /// <exception cref="ResourceValidationException">The resource breaks one of Tekton's rules.</exception>
    public string ToYaml() => YamlText.Write(Build());

    /// <summary>Makes the record from what was given.</summary>
    private protected abstract TResource Compose();

    /// <summary>Checks the builder knows more about than the model's validation can, such as results of referenced Tasks.</summary>
    private protected virtual void Check(TResource resource, DiagnosticBag diagnostics)
    {
    }
}
