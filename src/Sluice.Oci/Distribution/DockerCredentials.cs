using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Sluice.Oci.Distribution;

/// <summary>
/// Credentials from a Docker configuration file (<c>$DOCKER_CONFIG/config.json</c>, else
/// <c>~/.docker/config.json</c>): the <c>auths</c> entries (base64 <c>auth</c>, or <c>username</c> and
/// <c>password</c>, or <c>identitytoken</c>), and the <c>credHelpers</c> and <c>credsStore</c> helpers
/// (<c>docker-credential-NAME get</c>).
/// </summary>
public sealed class DockerCredentials : ICredentialProvider
{
    /// <summary>The key Docker uses for Docker Hub in <c>auths</c>.</summary>
    public const string DockerHubKey = "https://index.docker.io/v1/";

    private static readonly TimeSpan HelperTimeout = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, RegistryCredential> _auths;
    private readonly Dictionary<string, string> _helpers;
    private readonly string? _store;

    private DockerCredentials(Dictionary<string, RegistryCredential> auths, Dictionary<string, string> helpers, string? store)
    {
        _auths = auths;
        _helpers = helpers;
        _store = store;
    }

    /// <summary>No credentials at all.</summary>
    public static DockerCredentials None { get; } = new([], [], null);

    /// <summary>The configuration file Docker reads: <c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>.</summary>
    public static string DefaultPath =>
        Path.Combine(
            Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } directory
                ? directory
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"),
            "config.json");

    /// <summary>
    /// Reads a Docker configuration file. A missing file gives <see cref="None"/>; a file that cannot be
    /// read gives null and a message naming the file and the problem.
    /// </summary>
    public static DockerCredentials? Load(string path, out string? error)
    {
        error = null;
        if (!File.Exists(path))
        {
            return None;
        }

        try
        {
            return Parse(File.ReadAllBytes(path), path, out error);
        }
        catch (IOException exception)
        {
            error = $"{path}: cannot read the Docker configuration: {exception.Message}";
            return null;
        }
        catch (UnauthorizedAccessException exception)
        {
            error = $"{path}: cannot read the Docker configuration: {exception.Message}";
            return null;
        }
    }

    /// <summary>Reads the JSON of a Docker configuration file; <paramref name="source"/> names it in messages.</summary>
    public static DockerCredentials? Parse(ReadOnlySpan<byte> json, string source, out string? error)
    {
        error = null;
        var auths = new Dictionary<string, RegistryCredential>(StringComparer.OrdinalIgnoreCase);
        var helpers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.TryGetProperty("auths", out var entries) && entries.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in entries.EnumerateObject())
                {
                    var credential = ReadAuth(entry.Value, out var entryError);
                    if (entryError is not null)
                    {
                        error = $"{source}: auths.\"{entry.Name}\": {entryError}";
                        return null;
                    }

                    if (credential is not null)
                    {
                        auths[NormalizeRegistry(entry.Name)] = credential;
                    }
                }
            }

            if (root.TryGetProperty("credHelpers", out var helperEntries) && helperEntries.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in helperEntries.EnumerateObject())
                {
                    helpers[NormalizeRegistry(entry.Name)] = entry.Value.GetString() ?? "";
                }
            }

            var store = root.TryGetProperty("credsStore", out var storeElement) ? storeElement.GetString() : null;
            return new DockerCredentials(auths, helpers, string.IsNullOrEmpty(store) ? null : store);
        }
        catch (JsonException exception)
        {
            error = $"{source}: not valid JSON: {exception.Message}";
            return null;
        }
        catch (InvalidOperationException exception)
        {
            error = $"{source}: unexpected value: {exception.Message}";
            return null;
        }
    }

    /// <summary>
    /// The registry host a configuration key or reference names: <c>https://index.docker.io/v1/</c> and
    /// <c>index.docker.io</c> are <c>docker.io</c>; schemes and paths are dropped.
    /// </summary>
    public static string NormalizeRegistry(string key)
    {
        var host = key.Trim();
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }

        var slash = host.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            host = host[..slash];
        }

        host = host.ToLowerInvariant();
        return host is "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com" ? OciRepository.DockerHub : host;
    }

    /// <inheritdoc/>
    public async ValueTask<RegistryCredential?> GetAsync(string registry, CancellationToken cancellationToken)
    {
        var host = NormalizeRegistry(registry);
        if (_helpers.TryGetValue(host, out var helper) && helper.Length > 0)
        {
            return await FromHelperAsync(helper, host, cancellationToken);
        }

        if (_auths.TryGetValue(host, out var credential))
        {
            return credential;
        }

        return _store is null ? null : await FromHelperAsync(_store, host, cancellationToken);
    }

    private static RegistryCredential? ReadAuth(JsonElement entry, out string? error)
    {
        error = null;
        string? Text(string name) => entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var identityToken = Text("identitytoken");
        if (Text("auth") is { Length: > 0 } auth)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            }
            catch (FormatException)
            {
                error = "'auth' is not base64 of username:password";
                return null;
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                error = "'auth' decodes to no username:password pair";
                return null;
            }

            return new RegistryCredential { Username = decoded[..colon], Password = decoded[(colon + 1)..], IdentityToken = identityToken };
        }

        if (Text("username") is { Length: > 0 } username)
        {
            return new RegistryCredential { Username = username, Password = Text("password"), IdentityToken = identityToken };
        }

        return identityToken is { Length: > 0 } ? new RegistryCredential { IdentityToken = identityToken } : null;
    }

    private static async Task<RegistryCredential?> FromHelperAsync(string helper, string host, CancellationToken cancellationToken)
    {
        var program = $"docker-credential-{helper}";
        var start = new ProcessStartInfo(program, ["get"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new RegistryException($"credential helper {program} did not start");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new RegistryException(
                new RegistryError { Registry = host, Message = $"{host}: the Docker configuration names credential helper '{helper}', but {program} is not on PATH: install it or remove it from credHelpers/credsStore" },
                exception);
        }

        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(HelperTimeout);
            try
            {
                await process.StandardInput.WriteAsync(host == OciRepository.DockerHub ? DockerHubKey : host);
                process.StandardInput.Close();
                var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
                var errors = process.StandardError.ReadToEndAsync(timeout.Token);
                await process.WaitForExitAsync(timeout.Token);
                if (process.ExitCode != 0)
                {
                    var message = (await errors).Trim();
                    return message.Contains("credentials not found", StringComparison.OrdinalIgnoreCase) ? null
                        : throw new RegistryException(new RegistryError { Registry = host, Message = $"{host}: credential helper {program} failed with exit code {process.ExitCode}: {message}" });
                }

                using var document = JsonDocument.Parse(await output);
                var username = document.RootElement.GetProperty("Username").GetString();
                var secret = document.RootElement.GetProperty("Secret").GetString();
                return username == "<token>"
                    ? new RegistryCredential { IdentityToken = secret }
                    : new RegistryCredential { Username = username, Password = secret };
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                throw new RegistryException(new RegistryError { Registry = host, Message = $"{host}: credential helper {program} did not answer within {HelperTimeout.TotalSeconds:0} s" });
            }
            catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new RegistryException(new RegistryError { Registry = host, Message = $"{host}: credential helper {program} printed no Username and Secret as JSON" }, exception);
            }
        }
    }
}
