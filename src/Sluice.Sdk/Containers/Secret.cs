namespace Sluice.Sdk.Containers;

/// <summary>
/// A named secret: a password, token or key an exec reads as an environment variable
/// (<see cref="Container.WithSecretVariable"/>) or as a file (<see cref="Container.WithMountedSecret"/>).
/// It enters identities and cache keys by its name only, so a new value for the same name rebuilds
/// nothing; its value is read when an exec that needs it runs and is never part of a key, a snapshot or
/// a stored output. <see cref="ToString"/> shows the name and where the value comes from, never the value.
/// </summary>
public sealed class Secret
{
    private const string ValueOrigin = "value";

    private readonly string? _value;
    private readonly Func<CancellationToken, Task<string>> _read;

    private Secret(string name, string origin, string? value, Func<CancellationToken, Task<string>> read)
    {
        Name = name;
        Origin = origin;
        _value = value;
        _read = read;
    }

    /// <summary>The secret's name: its identity in keys.</summary>
    public string Name { get; }

    /// <summary>Where the value comes from, without the value: <c>value</c>, <c>env VARIABLE</c> or <c>file PATH</c>.</summary>
    public string Origin { get; }

    /// <summary>The secret's value; a host secret reads its environment variable or file now.</summary>
    /// <exception cref="InvalidOperationException">The environment variable is not set, or the file cannot be read.</exception>
    public Task<string> PlaintextAsync(CancellationToken cancellationToken = default) => _read(cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"secret {Name} ({Origin})";

    internal static Secret FromValue(string name, string value) =>
        new(name, ValueOrigin, value, _ => Task.FromResult(value));

    internal static Secret FromEnvironment(string name, string variable) =>
        new(name, $"env {variable}", null, _ => Task.FromResult(Environment.GetEnvironmentVariable(variable)
            ?? throw new InvalidOperationException($"secret \"{name}\" reads the environment variable {variable}, which is not set: set it before running the program.")));

    internal static Secret FromFile(string name, string path) =>
        new(name, $"file {path}", null, async cancellationToken =>
        {
            try
            {
                return await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"secret \"{name}\" reads the file {path}, which cannot be read ({e.Message}): create it or give another path.", e);
            }
        });

    /// <summary>Whether another definition of this name reads the same source (for a value, the same value).</summary>
    internal bool SameSource(Secret other) => Origin == other.Origin && _value == other._value;
}
