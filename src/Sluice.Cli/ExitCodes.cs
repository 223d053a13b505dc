namespace Sluice.Cli;

/// <summary>What sluice's exit codes mean (documented in docs/cli.md).</summary>
public static class ExitCodes
{
    /// <summary>Every run succeeded.</summary>
    public const int Success = 0;

    /// <summary>A run failed, timed out or was cancelled.</summary>
    public const int RunFailed = 1;

    /// <summary>The input is invalid: bad YAML, unknown references, missing params; nothing ran.</summary>
    public const int InvalidInput = 2;

    /// <summary>Sluice itself could not work: Docker unreachable, state directory unusable.</summary>
    public const int EnvironmentError = 3;
}
