using Sluice.Execution.Docker;
using Sluice.Model.Diagnostics;
using Sluice.Sdk.Containers;

namespace Sluice.Hosting.Containers;

/// <summary>Connects an SDK program to an engine embedded in its own process.</summary>
public static class SluiceClientConnection
{
    extension(SluiceClient)
    {
        /// <summary>
        /// A client whose values are evaluated on this machine's Docker daemon, with the configuration a
        /// <c>sluice</c> command would use (<c>sluice.yaml</c>, image mirrors, network mode, concurrency).
        /// Opening it reaps what dead sluice processes left; disposing it removes its containers and images.
        /// </summary>
        /// <param name="options">The state directory, configuration files and overrides; the defaults when null.</param>
        /// <param name="cancellationToken">Cancels the opening.</param>
        /// <exception cref="InvalidOperationException">The configuration is invalid, or it names a backend other than Docker.</exception>
        public static async Task<SluiceClient> ConnectAsync(SessionOptions? options = null, CancellationToken cancellationToken = default)
        {
            var diagnostics = new DiagnosticBag();
            var session = await LocalSession.OpenAsync(options ?? new SessionOptions(), diagnostics, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"cannot open a Sluice session:\n{string.Join('\n', diagnostics.ToImmutable())}");
            if (session.Executor is not DockerExecutor docker)
            {
                await session.DisposeAsync().ConfigureAwait(false);
                throw new InvalidOperationException($"containers run on the docker executor; this session is configured for \"{session.Executor.Name}\".");
            }

            return new SluiceClient(new EmbeddedContainerEngine(session, docker));
        }
    }
}
