namespace Frontend;

/// <summary>A service the frontend forwards <c>/api/{name}/...</c> to, and the setting that holds its address.</summary>
public sealed record Backend(string Name, string Setting, Uri Address);

/// <summary>The services behind the frontend: agenda, c4p and notifications.</summary>
public sealed class Backends
{
    private readonly Dictionary<string, Backend> _byName;

    private Backends(IEnumerable<Backend> backends) => _byName = backends.ToDictionary(backend => backend.Name);

    /// <summary>Reads the addresses from <c>AGENDA_SERVICE_URL</c>, <c>C4P_SERVICE_URL</c> and <c>NOTIFICATIONS_SERVICE_URL</c>.</summary>
    /// <exception cref="InvalidOperationException">A setting is no absolute http or https URL; the message names it.</exception>
    public static Backends Read(IConfiguration configuration) => new(
    [
        new("agenda", "AGENDA_SERVICE_URL", Address(configuration, "AGENDA_SERVICE_URL", "http://agenda-service")),
        new("c4p", "C4P_SERVICE_URL", Address(configuration, "C4P_SERVICE_URL", "http://c4p-service")),
        new("notifications", "NOTIFICATIONS_SERVICE_URL", Address(configuration, "NOTIFICATIONS_SERVICE_URL", "http://notifications-service")),
    ]);

    /// <summary>The backend with a name, or null.</summary>
    public Backend? Find(string name) => _byName.GetValueOrDefault(name);

    private static Uri Address(IConfiguration configuration, string setting, string fallback)
    {
        var text = configuration[setting] is { Length: > 0 } value ? value : fallback;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"{setting} is '{text}', which is no http or https URL: set it to the service's address, such as {fallback}.");
        }

        return url;
    }
}
