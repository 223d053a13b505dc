using System.Net;
using System.Net.Sockets;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Sluice.Engine.Execution;
using DockerMount = Docker.DotNet.Models.Mount;

namespace Sluice.Execution.Docker;

/// <summary>
/// Snapshots: the lower level of the op graph on Docker. An exec runs in a container created from the
/// parent's image and is committed to a new image; a copy extracts an archive into a created container
/// and commits it without starting anything. Every container is labelled with the run and removed before
/// the call returns; the images stay until <see cref="RemoveSnapshotAsync"/>.
/// </summary>
public sealed partial class DockerExecutor
{
    /// <summary>The label that names a cache volume's key on its Docker volume.</summary>
    public const string CacheVolumeLabel = "sluice.dev/cache-volume";

    /// <summary>Runs a process on an image's filesystem and commits what it leaves when it exits with 0.</summary>
    public async Task<SnapshotExecResult> ExecOnSnapshotAsync(SnapshotExec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parameters = SnapshotContainer(spec.RunUid, spec.ImageId, "exec");
        parameters.Entrypoint = [spec.Argv[0]];
        parameters.Cmd = [.. spec.Argv.Skip(1)];
        parameters.Env = [.. spec.Env.Select(e => $"{e.Key}={e.Value}")];
        parameters.WorkingDir = spec.WorkingDir;
        parameters.AttachStdout = true;
        parameters.AttachStderr = true;
        parameters.HostConfig.NetworkMode = spec.Network switch
        {
            NetworkMode.Host => "host",
            NetworkMode.None => "none",
            _ => "bridge",
        };
        using var secrets = spec.SecretEnv.Length > 0 || spec.SecretFiles.Length > 0 ? SecretDirectory.Create() : null;
        foreach (var (file, index) in spec.SecretFiles.Select((f, i) => (f, i)))
        {
            secrets!.Mount($"file-{index}", file.Content.Span, file.Path, ReadOnlyFile);
        }

        parameters.HostConfig.Mounts = [.. spec.Caches.Select(CacheMount), .. secrets?.Mounts ?? []];
        if (spec.SecretEnv.Length > 0)
        {
            return await ExecBesideHolderAsync(spec, parameters, secrets!, cancellationToken).ConfigureAwait(false);
        }

        var id = await CreateSnapshotContainerAsync(parameters, cancellationToken).ConfigureAwait(false);
        Task removal = Task.CompletedTask;
        var process = new DockerContainerProcess(_client, id, parameters.Name, sidecar: false, c => removal = RemoveContainerAsync(c, CancellationToken.None), _time);
        try
        {
            await process.StartAsync(cancellationToken).ConfigureAwait(false);
            using var stdout = new MemoryStream();
            using var stderr = new MemoryStream();
            await foreach (var chunk in process.TailAsync(cancellationToken).ConfigureAwait(false))
            {
                (chunk.Stream == OutputStream.Stdout ? stdout : stderr).Write(chunk.Data.Span);
            }

            var exit = await process.WaitAsync(cancellationToken).ConfigureAwait(false);
            var image = exit.ExitCode == 0 ? await CommitAsync(id, cancellationToken).ConfigureAwait(false) : string.Empty;
            return new SnapshotExecResult(exit.ExitCode, image, stdout.ToArray(), stderr.ToArray());
        }
        finally
        {
            await process.DisposeAsync().ConfigureAwait(false);
            await removal.ConfigureAwait(false);
        }
    }

    /// <summary>Extracts a tar archive at the root of an image's filesystem and commits the result; nothing runs.</summary>
    /// <returns>The committed image's id.</returns>
    public async Task<string> CopyIntoSnapshotAsync(string runUid, string imageId, Stream archive, CancellationToken cancellationToken)
    {
        var id = await CreateSnapshotContainerAsync(SnapshotContainer(runUid, imageId, "copy"), cancellationToken).ConfigureAwait(false);
        try
        {
            await _client.Containers.ExtractArchiveToContainerAsync(id, new ContainerPathStatParameters { Path = "/" }, archive, cancellationToken).ConfigureAwait(false);
            return await CommitAsync(id, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await RemoveContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// An image as <c>docker save</c> writes it: a tar stream of its configuration, its layers as tar
    /// archives and a <c>manifest.json</c> naming them. The caller disposes the stream. Read with .NET's
    /// own HTTP client over the daemon's socket: the Docker client's chunked-response reader fails on
    /// long streams.
    /// </summary>
    public async Task<Stream> SaveImageAsync(string imageId, CancellationToken cancellationToken)
    {
        var socket = _configuration.EndpointBaseUri.LocalPath;
        var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await connection.ConnectAsync(new UnixDomainSocketEndPoint(socket), token).ConfigureAwait(false);
                    return new NetworkStream(connection, ownsSocket: true);
                }
                catch
                {
                    connection.Dispose();
                    throw;
                }
            },
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            var response = await http.GetAsync(new Uri($"http://docker/images/{Uri.EscapeDataString(imageId)}/get"), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var message = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                response.Dispose();
                throw new InvalidOperationException($"the Docker daemon did not save image {imageId}: {(int)response.StatusCode} {message.Trim()}");
            }

            return new OwningStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), response, http);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            http.Dispose();
            throw Unreachable(e);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A path of an image's filesystem as a tar archive, read into memory: a directory's entries are
    /// under its name, as <c>docker cp</c> gives them.
    /// </summary>
    /// <exception cref="FileNotFoundException">The image has nothing at the path.</exception>
    public async Task<MemoryStream> ReadFromSnapshotAsync(string runUid, string imageId, string path, CancellationToken cancellationToken)
    {
        var id = await CreateSnapshotContainerAsync(SnapshotContainer(runUid, imageId, "read"), cancellationToken).ConfigureAwait(false);
        try
        {
            GetArchiveFromContainerResponse response;
            try
            {
                response = await _client.Containers.GetArchiveFromContainerAsync(id, new GetArchiveFromContainerParameters { Path = path }, statOnly: false, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                throw new FileNotFoundException($"{path}: no such file or directory in the container", path, e);
            }

            var buffer = new MemoryStream();
            await using (response.Stream.ConfigureAwait(false))
            {
                await response.Stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            }

            buffer.Position = 0;
            return buffer;
        }
        finally
        {
            await RemoveContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Removes a committed snapshot image; true when it was there.</summary>
    public async Task<bool> RemoveSnapshotAsync(string imageId, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Images.DeleteImageAsync(imageId, new ImageDeleteParameters { Force = true }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private CreateContainerParameters SnapshotContainer(string runUid, string imageId, string what) => new()
    {
        Name = ContainerName("snapshot-" + runUid[..Math.Min(8, runUid.Length)], what),
        Image = imageId,

        // A copy or a read never starts, but the daemon creates nothing without a command.
        Entrypoint = ["/sluice-snapshot"],
        Labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Labels.RunUid] = runUid,
            [Labels.Owner] = _options.OwnerId,
            [Labels.Role] = Labels.SnapshotRole,
            [Labels.Container] = what,
        },
        Tty = false,
        OpenStdin = false,
        HostConfig = new HostConfig { NetworkMode = "none", LogConfig = new LogConfig { Type = "none" } },
    };

    private async Task<string> CreateSnapshotContainerAsync(CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        try
        {
            return (await _client.Containers.CreateContainerAsync(parameters, cancellationToken).ConfigureAwait(false)).ID;
        }
        catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
        {
            throw new SandboxConfigurationException($"Docker refused to create a container from {parameters.Image}: {DaemonMessage(e)}", e);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            throw Unreachable(e);
        }
    }

    private async Task<string> CommitAsync(string containerId, CancellationToken cancellationToken) =>
        (await _client.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters { ContainerID = containerId }, cancellationToken).ConfigureAwait(false)).ID;

    private static DockerMount CacheMount(SnapshotCacheMount cache)
    {
        var name = new StringBuilder("sluice-cache-");
        foreach (var c in cache.Volume)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return new DockerMount
        {
            Type = "volume",
            Source = name.ToString(),
            Target = cache.Path,
            VolumeOptions = new VolumeOptions { Labels = new Dictionary<string, string>(StringComparer.Ordinal) { [CacheVolumeLabel] = cache.Volume } },
        };
    }
}
