using System.Security.Cryptography;
using System.Text;
using Dapper;
using Sluice.Model;
using Sluice.Model.Writing;

namespace Sluice.Store;

/// <summary>Stored Task and Pipeline definitions, versioned.</summary>
public abstract partial class RunStore
{
    /// <summary>
    /// Stores a definition. When it differs from the newest stored version of the same kind and name it
    /// becomes a new version; otherwise the newest version is returned unchanged.
    /// </summary>
    public async Task<(long Version, bool Changed)> ApplyAsync(IResource definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var name = definition.Metadata.Name ?? throw new ArgumentException("the definition has no name", nameof(definition));
        var resource = JsonText.Write(definition);
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(resource)));
        for (var attempt = 0; ; attempt++)
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            var newest = await connection.QueryFirstOrDefaultAsync<VersionRow>(new CommandDefinition(
                "SELECT version, digest FROM definitions WHERE kind = @Kind AND name = @Name ORDER BY version DESC LIMIT 1",
                new { definition.Kind, Name = name },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (newest is { } latest && latest.Digest == digest)
            {
                return (latest.Version, false);
            }

            var version = (newest?.Version ?? 0) + 1;
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO definitions (kind, name, version, digest, resource, applied_ms) VALUES (@Kind, @Name, @Version, @Digest, @Resource, @Now)",
                    new { definition.Kind, Name = name, Version = version, Digest = digest, Resource = resource, Now = NowMs() },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return (version, true);
            }
            catch (System.Data.Common.DbException) when (attempt < 5)
            {
                // Another process stored the same version number first; read again and retry.
            }
        }
    }

    /// <summary>The newest version of every stored definition of a kind (or of every kind), by name.</summary>
    public async Task<IReadOnlyList<StoredDefinition>> ListDefinitionsAsync(string? kind, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<DefinitionRow>(new CommandDefinition(
            $"""
            SELECT d.kind, d.name, d.version, d.digest, d.resource, d.applied_ms FROM definitions d
            WHERE d.version = (SELECT MAX(v.version) FROM definitions v WHERE v.kind = d.kind AND v.name = d.name){(kind is null ? string.Empty : " AND d.kind = @Kind")}
            ORDER BY d.kind, d.name
            """,
            new { Kind = kind },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToDefinition())];
    }

    /// <summary>One stored definition: a given version, or the newest; null when there is none.</summary>
    public async Task<StoredDefinition?> GetDefinitionAsync(string kind, string name, long? version, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QueryFirstOrDefaultAsync<DefinitionRow>(new CommandDefinition(
            $"SELECT kind, name, version, digest, resource, applied_ms FROM definitions WHERE kind = @Kind AND name = @Name{(version is null ? string.Empty : " AND version = @Version")} ORDER BY version DESC LIMIT 1",
            new { Kind = kind, Name = name, Version = version ?? 0 },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToDefinition();
    }

    private sealed record VersionRow
    {
        public long Version { get; init; }

        public string Digest { get; init; } = string.Empty;
    }

    private sealed record DefinitionRow
    {
        public string Kind { get; init; } = string.Empty;

        public string Name { get; init; } = string.Empty;

        public long Version { get; init; }

        public string Digest { get; init; } = string.Empty;

        public string Resource { get; init; } = string.Empty;

        public long AppliedMs { get; init; }

        public StoredDefinition ToDefinition() => new(Kind, Name, Version, Digest, Resource, DateTimeOffset.FromUnixTimeMilliseconds(AppliedMs));
    }
}
