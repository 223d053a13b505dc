using System.Collections.Immutable;
using Sluice.Model.Kubernetes;

namespace Sluice.Sdk;

/// <summary>The fields steps, sidecars and the step template share: image, command, args, env, working directory.</summary>
/// <typeparam name="TSelf">The builder, so that chained calls keep its type.</typeparam>
public abstract class ContainerBuilder<TSelf>
    where TSelf : ContainerBuilder<TSelf>
{
    private protected ContainerBuilder(string? image)
    {
        ImageName = image;
    }

    private protected string? ImageName { get; private set; }

    private protected ImmutableArray<string> CommandLine { get; private set; } = [];

    private protected ImmutableArray<string> Arguments { get; private set; } = [];

    private protected ImmutableArray<EnvVar> Variables { get; private set; } = [];

    private protected string? Directory { get; private set; }

    /// <summary>Sets the image to run.</summary>
    /// <param name="image">An image reference, such as <c>alpine:3.20</c>.</param>
    public TSelf Image(string image)
    {
        ImageName = image;
        return (TSelf)this;
    }

    /// <summary>Sets the entrypoint, replacing the image's.</summary>
    /// <param name="command">The program and its first arguments.</param>
    public TSelf Command(params IEnumerable<string> command)
    {
        CommandLine = [.. command];
        return (TSelf)this;
    }

    /// <summary>Sets the arguments; without a command they follow the image's entrypoint.</summary>
    /// <param name="args">The arguments.</param>
    public TSelf Args(params IEnumerable<string> args)
    {
        Arguments = [.. args];
        return (TSelf)this;
    }

    /// <summary>Adds or replaces an environment variable.</summary>
    /// <param name="name">The variable's name.</param>
    /// <param name="value">Its value; may hold variables such as <c>$(params.x)</c>.</param>
    public TSelf Env(string name, string value) => Env(new EnvVar { Name = name, Value = value });

    /// <summary>Adds or replaces an environment variable taken from a key of a Secret.</summary>
    /// <param name="name">The variable's name.</param>
    /// <param name="secret">The Secret's name.</param>
    /// <param name="key">The key in the Secret.</param>
    public TSelf EnvFromSecret(string name, string secret, string key) =>
        Env(new EnvVar { Name = name, ValueFrom = new EnvVarSource { SecretKeyRef = new KeySelector { Name = secret, Key = key } } });

    /// <summary>Adds or replaces an environment variable given as the model's record.</summary>
    /// <param name="variable">The variable.</param>
    public TSelf Env(EnvVar variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        Variables = Declarations.Put(Variables, variable, v => v.Name);
        return (TSelf)this;
    }

    /// <summary>Sets the working directory.</summary>
    /// <param name="directory">An absolute path; may hold variables such as <c>$(workspaces.source.path)</c>.</param>
    public TSelf WorkingDir(string directory)
    {
        Directory = directory;
        return (TSelf)this;
    }
}
