using System.Text;
using System.Text.Json;

namespace Sluice.Engine.Tasks;

/// <summary>
/// <c>.docker/config.json</c> (pkg/credentials/dockercreds/creds.go: basicDockerBuilder.Write): the auths of
/// the dockercfg Secrets, then of the dockerconfigjson Secrets, then the basic-auth ones, later ones
/// replacing earlier ones for the same registry; nothing when there is none. Entries keep only the fields
/// Tekton's struct has (username, password, auth, email).
/// </summary>
internal static partial class CredentialWriters
{
    private static void WriteDocker(FlagState state, Func<string, IReadOnlyDictionary<string, byte[]>> secretData, FileSet files)
    {
        var auths = new Dictionary<string, DockerEntry>(StringComparer.Ordinal);
        foreach (var (secrets, key, nested) in new[] { (state.DockerCfgs, ".dockercfg", false), (state.DockerConfigs, ".dockerconfigjson", true) })
        {
            foreach (var secret in secrets)
            {
                // A Secret the writer cannot read ends the docker writer: Tekton logs the error and writes nothing for docker.
                if (!secretData(secret).TryGetValue(key, out var bytes) || ReadAuths(bytes, nested) is not { } read)
                {
                    return;
                }

                foreach (var (registry, entry) in read)
                {
                    auths[registry] = entry;
                }
            }
        }

        foreach (var (registry, entry) in state.DockerBasic)
        {
            auths[registry] = entry;
        }

        if (auths.Count == 0)
        {
            return;
        }

        var json = new StringBuilder("{\"auths\":{");
        var first = true;
        foreach (var (registry, entry) in auths.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            json.Append(first ? string.Empty : ",").AppendString(registry).Append(":{");
            first = false;
            if (entry.Username.Length > 0)
            {
                json.Append("\"username\":").AppendString(entry.Username).Append(',');
            }

            if (entry.Password.Length > 0)
            {
                json.Append("\"password\":").AppendString(entry.Password).Append(',');
            }

            json.Append("\"auth\":").AppendString(entry.Auth);
            if (entry.Email.Length > 0)
            {
                json.Append(",\"email\":").AppendString(entry.Email);
            }

            json.Append('}');
        }

        files.Directory(".docker");
        files.Write(".docker/config.json", json.Append("}}").ToString());
    }

    /// <summary>The auths of a <c>.dockercfg</c> (a map) or a <c>.dockerconfigjson</c> (the map under <c>auths</c>), or null when encoding/json would refuse it.</summary>
    private static Dictionary<string, DockerEntry>? ReadAuths(byte[] bytes, bool nested)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var map = document.RootElement;
            if (nested && map.ValueKind == JsonValueKind.Object)
            {
                map = map.EnumerateObject().LastOrDefault(p => Field(p, "auths")).Value;
            }

            var auths = new Dictionary<string, DockerEntry>(StringComparer.Ordinal);
            if (map.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return auths;
            }

            if (map.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var registry in map.EnumerateObject())
            {
                if (ReadEntry(registry.Value) is not { } entry)
                {
                    return null;
                }

                auths[registry.Name] = entry;
            }

            return auths;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static DockerEntry? ReadEntry(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return new DockerEntry(string.Empty, string.Empty, string.Empty, string.Empty);
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["username"] = string.Empty, ["password"] = string.Empty, ["auth"] = string.Empty, ["email"] = string.Empty };
        foreach (var property in element.EnumerateObject())
        {
            if (fields.Keys.FirstOrDefault(k => Field(property, k)) is not { } field)
            {
                continue;
            }

            switch (property.Value.ValueKind)
            {
                case JsonValueKind.String:
                    fields[field] = property.Value.GetString() ?? string.Empty;
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    return null;
            }
        }

        return new DockerEntry(fields["username"], fields["password"], fields["auth"], fields["email"]);
    }

    // encoding/json matches a key to a field without regard to case.
    private static bool Field(JsonProperty property, string name) => string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>One registry's entry of <c>config.json</c>.</summary>
    private sealed record DockerEntry(string Username, string Password, string Auth, string Email);
}
