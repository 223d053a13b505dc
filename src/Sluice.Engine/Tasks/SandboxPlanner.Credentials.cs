using System.Collections.Immutable;
using Sluice.Engine.Execution;
using Sluice.Model.Runs;

namespace Sluice.Engine.Tasks;

/// <summary>Credentials from the TaskRun's ServiceAccount (creds-init), given to every step.</summary>
public sealed partial class SandboxPlanner
{
    private static readonly ImmutableDictionary<string, byte[]> NoData = ImmutableDictionary<string, byte[]>.Empty;

    private SandboxPlan WithCredentials(SandboxPlan plan, TaskRun run, string @namespace)
    {
        var files = Credentials(run, @namespace, plan.Steps.IsEmpty ? "step" : plan.Steps[0].ContainerName);
        return files.IsEmpty
            ? plan
            : plan with { Steps = [.. plan.Steps.Select(s => s with { Container = s.Container with { Files = s.Container.Files.AddRange(files) } })] };
    }

    /// <summary>The credential files each step receives, in placing order; empty when the ServiceAccount provides none.</summary>
    /// <param name="run">The TaskRun.</param>
    /// <param name="namespace">Its namespace.</param>
    /// <param name="firstStep">The first step's container, which Tekton's entrypoint fails in when it refuses a credential.</param>
    /// <exception cref="TaskRunFailure">The ServiceAccount is missing, or a Secret cannot be used.</exception>
    internal ImmutableArray<ContainerFile> Credentials(TaskRun run, string @namespace, string firstStep)
    {
        // pkg/pod/creds_init.go: the default service account is "default" (config-defaults), which every
        // namespace has: here it has no Secrets unless the files declare it.
        var name = string.IsNullOrEmpty(run.Spec.ServiceAccountName) ? "default" : run.Spec.ServiceAccountName;
        var account = resolver.FindServiceAccount(name, @namespace);
        if (account is null)
        {
            if (name == "default")
            {
                return [];
            }

            // taskrun.go: handlePodCreationError, for the Get of the ServiceAccount that credsInit makes.
            var maybe = run.Spec.TaskRef?.Name is { } task ? $"missing or invalid Task {@namespace}/{task}" : "invalid TaskSpec";
            throw new TaskRunFailure("PodCreationFailed", $"failed to create task run pod \"{run.Metadata.Name}\": serviceaccounts \"{name}\" not found. Maybe {maybe}")
            {
                Fix = $"declare the ServiceAccount \"{name}\" in the files given to sluice, or leave serviceAccountName out",
            };
        }

        var flags = CredentialsInit.Flags(account, secret => resolver.FindSecret(secret, @namespace));
        if (flags.IsEmpty)
        {
            return [];
        }

        try
        {
            return CredentialsInit.ForStep(CredentialWriters.Write(flags, secret => SecretData(secret, optional: true, @namespace) ?? NoData));
        }
        catch (CredentialFlagException e)
        {
            // The entrypoint of every step parses the flags before anything runs and exits 2 on a bad one.
            throw new TaskRunFailure("StepFailed", $"\"{firstStep}\" exited with code 2: {e.Message}");
        }
    }
}
