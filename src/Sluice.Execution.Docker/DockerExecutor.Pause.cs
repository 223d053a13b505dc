using System.Formats.Tar;
using System.Security.Cryptography;
using Docker.DotNet.Models;
using Sluice.Engine.Execution;
using Sluice.Execution.Docker.Pause;

namespace Sluice.Execution.Docker;

public sealed partial class DockerExecutor
{
    private readonly SemaphoreSlim _pauseGate = new(1, 1);
    private string? _pauseImage;

    /// <summary>
    /// The namespace holder's image, <c>sluice/pause:&lt;version&gt;</c>, imported on first use from the
    /// program this assembly carries. The version is a digest of the program, so a changed program gets a
    /// new tag and an old daemon cache cannot serve a stale one.
    /// </summary>
    internal async Task<string> EnsurePauseImageAsync(CancellationToken cancellationToken)
    {
        if (_pauseImage is { } known)
        {
            return known;
        }

        await _pauseGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_pauseImage is { } raced)
            {
                return raced;
            }

            var system = await _client.System.GetSystemInfoAsync(cancellationToken).ConfigureAwait(false);
            var program = PauseProgram.For(system.Architecture)
                ?? throw new SandboxConfigurationException(
                    $"the Docker daemon runs on {system.Architecture}; Sluice's namespace holder exists for x86_64 and aarch64 only.");
            var version = Convert.ToHexStringLower(SHA256.HashData(program))[..12];
            var name = $"{PauseRepository}:{version}";
            if (await InspectImageOrNullAsync(name, cancellationToken).ConfigureAwait(false) is null)
            {
                await ImportPauseImageAsync(program, version, cancellationToken).ConfigureAwait(false);
                if (await InspectImageOrNullAsync(name, cancellationToken).ConfigureAwait(false) is null)
                {
                    throw new SandboxConfigurationException($"the Docker daemon did not keep the imported namespace holder image {name}.");
                }
            }

            _pauseImage = name;
            return name;
        }
        finally
        {
            _pauseGate.Release();
        }
    }

    private async Task ImportPauseImageAsync(byte[] program, string version, CancellationToken cancellationToken)
    {
        using var archive = new MemoryStream();
        await using (var writer = new TarWriter(archive, TarEntryFormat.Ustar, leaveOpen: true))
        {
            using var content = new MemoryStream(program, writable: false);
            var entry = new UstarTarEntry(TarEntryType.RegularFile, "pause")
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                    UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
                ModificationTime = DateTimeOffset.UnixEpoch,
                DataStream = content,
            };
            await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        archive.Position = 0;
        var progress = new PullProgress();
        await _client.Images.CreateImageAsync(
            new ImagesCreateParameters
            {
                FromSrc = "-",
                Repo = PauseRepository,
                Tag = version,
                Changes = ["ENTRYPOINT [\"/pause\"]", $"LABEL {Labels.Role}={Labels.HolderRole}"],
            },
            archive,
            null,
            progress,
            cancellationToken).ConfigureAwait(false);
        if (progress.Error is { } error)
        {
            throw new SandboxConfigurationException($"importing the namespace holder image {PauseRepository}:{version} failed: {error}");
        }
    }
}
