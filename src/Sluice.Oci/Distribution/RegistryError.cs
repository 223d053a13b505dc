namespace Sluice.Oci.Distribution;

/// <summary>
/// What a registry refused, as a value: which registry and repository, the HTTP status, the
/// distribution-spec error code when the registry sent one, and a message that says what to do.
/// Never holds a password or a token.
/// </summary>
public sealed record RegistryError
{
    /// <summary>The registry host with its port.</summary>
    public required string Registry { get; init; }

    /// <summary>The repository the request was for, when there was one.</summary>
    public string? Repository { get; init; }

    /// <summary>The HTTP status, or 0 when the registry could not be reached.</summary>
    public int Status { get; init; }

    /// <summary>The distribution-spec error code, such as <c>MANIFEST_UNKNOWN</c>, <c>DENIED</c> or <c>UNAUTHORIZED</c>.</summary>
    public string? Code { get; init; }

    /// <summary>The full message: what was refused, by whom, why, and the fix when there is an obvious one.</summary>
    public required string Message { get; init; }

    /// <summary>The message.</summary>
    public override string ToString() => Message;
}

/// <summary>A registry refused a request, or could not be reached; <see cref="Error"/> says which and why.</summary>
public sealed class RegistryException : Exception
{
    /// <summary>Makes the exception from the registry's refusal.</summary>
    public RegistryException(RegistryError error, Exception? inner = null)
        : base(error.Message, inner) => Error = error;

    /// <summary>Makes an exception with a message only.</summary>
    public RegistryException(string message)
        : this(new RegistryError { Registry = "", Message = message })
    {
    }

    /// <summary>Makes an exception with a message and its cause.</summary>
    public RegistryException(string message, Exception inner)
        : this(new RegistryError { Registry = "", Message = message }, inner)
    {
    }

    /// <summary>Makes an exception with no detail.</summary>
    public RegistryException()
        : this("the registry refused the request")
    {
    }

    /// <summary>What was refused, as a value.</summary>
    public RegistryError Error { get; }
}
