using System.Runtime.InteropServices;

namespace Sluice.Cli;

/// <summary>
/// Ctrl-C and SIGTERM: the first one cancels the runs gracefully (containers are killed and removed);
/// a second one ends the process at once, leaving cleanup to the next sluice command's reaper.
/// </summary>
public static class Interrupts
{
    private static readonly CancellationTokenSource Source = new();
    private static readonly List<PosixSignalRegistration> Registrations = [];

    /// <summary>Fires on the first interrupt.</summary>
    public static CancellationToken Token => Source.Token;

    /// <summary>Installs the handlers.</summary>
    public static void Install()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            Registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                if (Source.IsCancellationRequested)
                {
                    return;
                }

                context.Cancel = true;
                Console.Error.WriteLine();
                Console.Error.WriteLine($"{context.Signal}: cancelling; press Ctrl-C again to quit at once");
                Source.Cancel();
            }));
        }
    }
}
