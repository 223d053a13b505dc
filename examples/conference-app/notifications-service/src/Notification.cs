namespace NotificationsService;

/// <summary>An email the conference sent, such as the decision on a proposal.</summary>
public sealed record Notification
{
    /// <summary>The notification's identifier, given by the service.</summary>
    public required string Id { get; init; }

    /// <summary>Whom it was sent to.</summary>
    public required string EmailTo { get; init; }

    /// <summary>Its subject.</summary>
    public required string Title { get; init; }

    /// <summary>Its text.</summary>
    public required string Message { get; init; }

    /// <summary>When the service sent it.</summary>
    public required DateTimeOffset SentAt { get; init; }
}

/// <summary>The body of a request that sends a notification.</summary>
public sealed record NotificationRequest(string? EmailTo, string? Title, string? Message)
{
    /// <summary>The fields that are missing or wrong, each with what to do; empty when the request can be sent.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(EmailTo) || !EmailTo.Contains('@', StringComparison.Ordinal))
        {
            errors["emailTo"] = ["A notification needs the email address to send it to, such as ada@example.com."];
        }

        if (string.IsNullOrWhiteSpace(Title))
        {
            errors["title"] = ["A notification needs a title."];
        }

        return errors;
    }
}
