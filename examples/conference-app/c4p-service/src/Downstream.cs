namespace C4pService;

/// <summary>The other services' addresses, from settings such as <c>AGENDA_SERVICE_URL</c>.</summary>
public static class ServiceUrl
{
    /// <summary>
    /// The absolute HTTP address in a setting, or its default, ending in <c>/</c> so that paths resolve
    /// under it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The setting is no absolute http or https URL; the message names it.</exception>
    public static Uri Read(IConfiguration configuration, string setting, string fallback)
    {
        var text = configuration[setting] is { Length: > 0 } value ? value : fallback;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"{setting} is '{text}', which is no http or https URL: set it to the service's address, such as {fallback}.");
        }

        return url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
    }
}

/// <summary>The addresses of the services a decision calls.</summary>
public sealed record Downstreams(Uri Agenda, Uri Notifications)
{
    /// <summary>Reads <c>AGENDA_SERVICE_URL</c> and <c>NOTIFICATIONS_SERVICE_URL</c>, or their defaults, the services' names in the cluster.</summary>
    /// <exception cref="InvalidOperationException">A setting is no absolute http or https URL; the message names it.</exception>
    public static Downstreams Read(IConfiguration configuration) => new(
        ServiceUrl.Read(configuration, "AGENDA_SERVICE_URL", "http://agenda-service"),
        ServiceUrl.Read(configuration, "NOTIFICATIONS_SERVICE_URL", "http://notifications-service"));
}

/// <summary>Puts accepted talks on the agenda through the agenda service's <c>/agenda-items/</c>.</summary>
public sealed class AgendaClient(HttpClient http)
{
    /// <summary>Adds the talk of an approved proposal to the agenda.</summary>
    /// <exception cref="HttpRequestException">The agenda service could not be reached or refused the item.</exception>
    public async Task AddAsync(Proposal proposal, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(
            "agenda-items/",
            new { proposalId = proposal.Id, title = proposal.Title, author = proposal.Author },
            cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>Tells authors the decision through the notifications service's <c>/notifications/</c>.</summary>
public sealed class NotificationsClient(HttpClient http)
{
    /// <summary>Sends the author of a proposal its decision.</summary>
    /// <exception cref="HttpRequestException">The notifications service could not be reached or refused the notification.</exception>
    public async Task SendDecisionAsync(Proposal proposal, bool approved, CancellationToken cancellationToken)
    {
        var (title, message) = approved
            ? ($"Your proposal '{proposal.Title}' was accepted", "Your talk is on the agenda; we will send its day and time.")
            : ($"Your proposal '{proposal.Title}' was not accepted", "Thank you for proposing it; we hope to see you at the conference.");
        using var response = await http.PostAsJsonAsync(
            "notifications/",
            new { emailTo = proposal.Email, title, message },
            cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
