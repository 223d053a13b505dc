using Sluice.Execution.Docker;
using Sluice.Model.Diagnostics;
using Sluice.Oci.Layout;
using Sluice.Sdk.Containers;
using Sluice.Store.Caching;

namespace Sluice.Hosting.Containers;

/// <summary>Connects an SDK program to an engine embedded in its own process.</summary>
public static class SluiceClientConnection
{
    extension(SluiceClient)
    {
        /// <summary>
        /// A client whose values are evaluated on this machine's Docker daemon, with the configuration a
        /// <c>sluice</c> command would use (<c>sluice.yaml</c>, image mirrors, network mode, concurrency).
        /// Opening it reaps what dead sluice processes left. Execs and copies are cached in the state
        /// directory's cache, their images kept by key, unless <see cref="SessionOptions.NoCache"/> is set;
        /// disposing the client removes its containers and the images the cache does not keep.
        /// </summary>
        /// <param name="options">The state directory, configuration files and overrides; the defaults when null.</param>
        /// <param name="cancellationToken">Cancels the opening.</param>
        /// <exception cref="InvalidOperationException">The configuration is invalid, it names a backend other than Docker, or the cache's blob layout is unusable.</exception>
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

            CacheIndex? cache = null;
            if (options?.NoCache != true)
            {
                if (OciLayout.Open(session.Home.Blobs, out var error) is not { } blobs)
                {
                    await session.DisposeAsync().ConfigureAwait(false);
                    throw new InvalidOperationException($"the cache's blobs under {session.Home.Blobs} are not usable: {error}");
                }

                cache = new CacheIndex(session.Store, blobs, new CacheLeases(session.Home.CacheLeases), TimeProvider.System, docker);
            }

            return new SluiceClient(new EmbeddedContainerEngine(session, docker, cache));
        }
    }
}
