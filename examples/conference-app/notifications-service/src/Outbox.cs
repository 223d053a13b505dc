namespace NotificationsService;

/// <summary>
/// The notifications sent so far, in memory. Sending is recording: the example has no mail server, and a
/// real one would be called here.
/// </summary>
public sealed class Outbox(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly List<Notification> _sent = [];

    /// <summary>Every notification sent, oldest first.</summary>
    public IReadOnlyList<Notification> List()
    {
        lock (_lock)
        {
            return [.. _sent];
        }
    }

    /// <summary>Sends a notification and returns it, stamped with the time it was sent.</summary>
    public Notification Send(NotificationRequest request)
    {
        var notification = new Notification
        {
            Id = Guid.NewGuid().ToString("N"),
            EmailTo = request.EmailTo!.Trim(),
            Title = request.Title!.Trim(),
            Message = request.Message?.Trim() ?? "",
            SentAt = time.GetUtcNow(),
        };
        lock (_lock)
        {
            _sent.Add(notification);
        }

        return notification;
    }
}
