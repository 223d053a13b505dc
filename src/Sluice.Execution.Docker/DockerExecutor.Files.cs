using System.Formats.Tar;
using System.Globalization;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Sluice.Engine.Execution;
using ContainerSpec = Sluice.Engine.Execution.ContainerSpec;

namespace Sluice.Execution.Docker;

/// <summary>
/// <see cref="ContainerSpec.Files"/>: an archive extracted into the created container before it starts,
/// its entries owned by the user the container will run as. The user, its group and its home are found
/// as the runtime finds them (moby/sys/user GetExecUser: the container's /etc/passwd and /etc/group, a
/// numeric id that has no entry stands for itself with group 0 and home /), and HOME from the container's
/// environment wins over the passwd home, as it does when the runtime sets HOME.
/// </summary>
public sealed partial class DockerExecutor
{
    private async Task PlaceFilesAsync(string id, ContainerSpec spec, CancellationToken cancellationToken)
    {
        var container = await _client.Containers.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false);
        var passwd = await ReadContainerFileAsync(id, "/etc/passwd", cancellationToken).ConfigureAwait(false);
        var userSpec = container.Config?.User ?? string.Empty;
        var group = userSpec.Contains(':', StringComparison.Ordinal) ? await ReadContainerFileAsync(id, "/etc/group", cancellationToken).ConfigureAwait(false) : null;
        if (ExecUser.Resolve(userSpec, passwd, group) is not { } user)
        {
            // The runtime refuses to start the container for the same reason, and says so.
            return;
        }

        var home = container.Config?.Env?.LastOrDefault(e => e.StartsWith("HOME=", StringComparison.Ordinal))?[5..];
        home = string.IsNullOrEmpty(home) ? user.Home : home;

        // A user without a home of its own (HOME=/) cannot create anything there unless it is root, so what
        // would go in its home is left out, as the entrypoint's copy fails there.
        var homeless = user.Uid != 0 && home.TrimEnd('/').Length == 0;
        var placed = spec.Files
            .Where(f => f.Path.StartsWith('/') || !homeless)
            .Select(f => f with { Path = f.Path.StartsWith('/') ? f.Path : $"{home.TrimEnd('/')}/{f.Path}" }).ToList();

        // A read-only root filesystem takes nothing; what lands in a writable mount goes there, one archive per mount.
        var groups = spec.ReadOnlyRootFilesystem
            ? placed.GroupBy(f => spec.Mounts.Where(m => !m.ReadOnly && Inside(f.Path, m.ContainerPath)).MaxBy(m => m.ContainerPath.Length)?.ContainerPath)
                .Where(g => g.Key is not null).Select(g => (Root: g.Key!, Files: g.ToList()))
            : [(Root: "/", Files: placed)];
        foreach (var (root, files) in groups)
        {
            using var archive = await ArchiveAsync(files, root, user, cancellationToken).ConfigureAwait(false);
            try
            {
                await _client.Containers.ExtractArchiveToContainerAsync(id, new ContainerPathStatParameters { Path = root }, archive, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException e)
            {
                throw new SandboxConfigurationException($"Docker refused the files of {spec.Name} under {root}: {DaemonMessage(e)}", e);
            }
        }
    }

    private static bool Inside(string path, string mount) =>
        path.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal) || path == mount.TrimEnd('/');

    private static async Task<MemoryStream> ArchiveAsync(List<ContainerFile> files, string root, ExecUser user, CancellationToken cancellationToken)
    {
        var stream = new MemoryStream();
        await using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            var prefix = root.TrimEnd('/').Length;
            foreach (var file in files)
            {
                if (file.Path.TrimEnd('/') == root.TrimEnd('/'))
                {
                    continue;
                }

                var name = file.Path[(prefix + 1)..].TrimEnd('/');
                var entry = new PaxTarEntry(file.IsDirectory ? TarEntryType.Directory : TarEntryType.RegularFile, file.IsDirectory ? name + "/" : name)
                {
                    Mode = (UnixFileMode)file.Mode,
                    Uid = user.Uid,
                    Gid = user.Gid,
                    ModificationTime = DateTimeOffset.UtcNow,
                };
                using var content = file.Content is { } bytes ? new MemoryStream(bytes, writable: false) : null;
                if (content is not null)
                {
                    entry.DataStream = content;
                }

                await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            }
        }

        stream.Position = 0;
        return stream;
    }

    /// <summary>A file of the created container's filesystem as text, or null when it has none.</summary>
    private async Task<string?> ReadContainerFileAsync(string id, string path, CancellationToken cancellationToken)
    {
        GetArchiveFromContainerResponse response;
        try
        {
            response = await _client.Containers.GetArchiveFromContainerAsync(id, new GetArchiveFromContainerParameters { Path = path }, statOnly: false, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        await using var stream = response.Stream;
        await using var reader = new TarReader(stream);
        if (await reader.GetNextEntryAsync(copyData: true, cancellationToken).ConfigureAwait(false) is not { EntryType: TarEntryType.RegularFile or TarEntryType.V7RegularFile, DataStream: { } data })
        {
            return null;
        }

        using var text = new StreamReader(data, Encoding.UTF8);
        return await text.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The user a container runs as, found as moby/sys/user GetExecUser finds it.</summary>
    internal sealed record ExecUser(int Uid, int Gid, string Home)
    {
        /// <summary>Resolves <c>user[:group]</c> against passwd and group text (either may be missing); null when the runtime would refuse it.</summary>
        public static ExecUser? Resolve(string spec, string? passwd, string? group)
        {
            var colon = spec.IndexOf(':', StringComparison.Ordinal);
            var (userArg, groupArg) = colon < 0 ? (spec, string.Empty) : (spec[..colon], spec[(colon + 1)..]);
            var numericUser = int.TryParse(userArg, NumberStyles.None, CultureInfo.InvariantCulture, out var uidArg);
            var numericGroup = int.TryParse(groupArg, NumberStyles.None, CultureInfo.InvariantCulture, out var gidArg);
            var user = new ExecUser(0, 0, "/");
            var entry = Entries(passwd).FirstOrDefault(f => userArg.Length == 0 ? Number(f, 2) == 0 : numericUser ? Number(f, 2) == uidArg : f[0] == userArg);
            if (entry is not null)
            {
                user = new ExecUser(Number(entry, 2), Number(entry, 3), entry.Length > 5 ? entry[5] : string.Empty);
            }
            else if (userArg.Length > 0)
            {
                if (!numericUser)
                {
                    return null;
                }

                user = user with { Uid = uidArg };
            }

            if (groupArg.Length == 0)
            {
                return user;
            }

            var match = Entries(group).FirstOrDefault(f => numericGroup ? Number(f, 2) == gidArg : f[0] == groupArg);
            return match is not null ? user with { Gid = Number(match, 2) } : numericGroup ? user with { Gid = gidArg } : null;
        }

        private static IEnumerable<string[]> Entries(string? text) =>
            (text ?? string.Empty).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => l.Split(':'));

        private static int Number(string[] fields, int index) =>
            fields.Length > index && int.TryParse(fields[index], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }
}
