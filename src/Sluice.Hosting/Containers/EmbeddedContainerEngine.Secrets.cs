using System.Collections.Immutable;
using Sluice.Sdk.Containers;

namespace Sluice.Hosting.Containers;

/// <summary>
/// Secrets of execs (DESIGN.md sections 5 and 6): they enter keys by name (<see cref="OpKeys"/> describes
/// them so), their values are read only when an exec runs, reach its process alone (see
/// <c>DockerExecutor.Secrets.cs</c>), and are masked in its output before it is returned or cached.
/// </summary>
internal sealed partial class EmbeddedContainerEngine
{
    /// <summary>
    /// The values of every secret an exec's graph names, by secret. Masking takes all of them, not only
    /// those the exec mounts: an earlier exec may have left a secret in a file this one prints.
    /// </summary>
    private static async Task<ImmutableDictionary<Secret, string>> SecretValuesAsync(ExecOp exec, CancellationToken cancellationToken)
    {
        var values = ImmutableDictionary.CreateBuilder<Secret, string>(ReferenceEqualityComparer.Instance);
        foreach (var secret in SecretsOf(exec))
        {
            values[secret] = await secret.PlaintextAsync(cancellationToken).ConfigureAwait(false);
        }

        return values.ToImmutable();
    }

    private static ImmutableArray<Secret> SecretsOf(Op op)
    {
        var secrets = ImmutableArray.CreateBuilder<Secret>();
        var seen = new HashSet<Op>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<Op>([op]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next))
            {
                continue;
            }

            switch (next)
            {
                case SecretVariableOp variable:
                    secrets.Add(variable.Secret);
                    break;
                case MountSecretOp mount:
                    secrets.Add(mount.Secret);
                    break;
            }

            foreach (var input in next.Inputs)
            {
                pending.Push(input);
            }
        }

        return [.. secrets.Distinct(ReferenceEqualityComparer.Instance).Cast<Secret>()];
    }
}
