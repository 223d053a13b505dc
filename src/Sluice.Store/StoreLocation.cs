using Npgsql;

namespace Sluice.Store;

/// <summary>
/// Where the run history lives: a SQLite file (the default, <c>$SLUICE_HOME/sluice.db</c>) or a PostgreSQL
/// database named by a <c>postgres://user:password@host:port/database</c> URL or an Npgsql connection string.
/// </summary>
public sealed record StoreLocation
{
    private StoreLocation(bool isPostgres, string target)
    {
        IsPostgres = isPostgres;
        Target = target;
    }

    /// <summary>Whether the store is PostgreSQL (otherwise SQLite).</summary>
    public bool IsPostgres { get; }

    /// <summary>The SQLite file, or the Npgsql connection string.</summary>
    public string Target { get; }

    /// <summary>A SQLite file.</summary>
    public static StoreLocation Sqlite(string path) => new(false, Path.GetFullPath(path));

    /// <summary>
    /// Parses what <c>--store</c> or <c>SLUICE_STORE</c> says: <c>postgres://</c> or <c>postgresql://</c> URLs,
    /// <c>Host=...</c> connection strings, <c>sqlite:PATH</c> or a plain file path. Returns null with an error
    /// when the text cannot name a store.
    /// </summary>
    public static StoreLocation? Parse(string text, out string? error)
    {
        error = null;
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return FromUrl(text, out error);
        }

        if (text.Contains("Host=", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return new(true, new NpgsqlConnectionStringBuilder(text).ConnectionString);
            }
            catch (ArgumentException e)
            {
                error = $"the connection string does not parse: {e.Message}";
                return null;
            }
        }

        var path = text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? text["sqlite:".Length..] : text;
        if (path.Length == 0 || path.Contains("://", StringComparison.Ordinal))
        {
            error = $"\"{text}\" names no store";
            return null;
        }

        return Sqlite(path);
    }

    /// <summary>The location for display, with any password hidden.</summary>
    public override string ToString()
    {
        if (!IsPostgres)
        {
            return Target;
        }

        var builder = new NpgsqlConnectionStringBuilder(Target);
        return $"postgres://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
    }

    private static StoreLocation? FromUrl(string text, out string? error)
    {
        error = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            error = $"\"{Hide(text)}\" is not a valid URL";
            return null;
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } database ? database : "postgres",
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
            try
            {
                builder[key == "sslmode" ? "SSL Mode" : key] = value;
            }
            catch (ArgumentException)
            {
                error = $"unknown connection option \"{key}\" in the store URL";
                return null;
            }
        }

        return new(true, builder.ConnectionString);
    }

    private static string Hide(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        return at > scheme && scheme >= 0 ? text[..(scheme + 3)] + "***" + text[at..] : text;
    }
}
