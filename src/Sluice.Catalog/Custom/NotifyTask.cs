using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Sluice.Engine.CustomTasks;
using Sluice.Model;
using Sluice.Model.Pipelines;
using Sluice.Model.Tasks;

namespace Sluice.Catalog.Custom;

/// <summary>
/// <c>Notify</c>: sends one CloudEvent (CloudEvents 1.0 over HTTP, binary or structured JSON) to each
/// subscriber, retrying what may pass on a later try, and fails naming every subscriber that never took it.
/// </summary>
public sealed partial class NotifyTask(CatalogServices services) : CatalogCustomTask(services)
{
    private const int MaxRetries = 10;

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <inheritdoc />
    public override string Kind => "Notify";

    /// <inheritdoc />
    public override TaskSpec Declaration { get; } = new()
    {
        Description = """
            Sends one CloudEvent to each subscriber URL over HTTP, as CloudEvents 1.0 in binary or structured JSON mode.
            The event's data is a JSON object of the data items plus the run's uid and the TaskRun's name; its id is
            the same for the same run, subscriber and payload, so a subscriber recognises a redelivery. A subscriber
            that answers 408, 429 or 5xx, times out or cannot be reached is tried again after 200 ms, doubling up to
            5 s. Every subscriber is tried; any that never took the event fails the task with NotificationFailed.
            """,
        Params =
        [
            new ParamSpec { Name = "subscribers", TypeName = "array", Description = "The URLs (http or https) the event is POSTed to; user:password@ in a URL is sent as Basic auth and never logged." },
            Param("type", "The event's type.", "dev.sluice.release.published"),
            Param("source", "The event's source, a URI reference.", "/sluice/pipelines"),
            Param("subject", "The event's subject, such as the service's name; empty: none.", string.Empty),
            ArrayParam("data", "NAME=VALUE members of the event's JSON data, such as version=1.4.0 or image=registry.example.com/app@sha256:...; run and taskRun are added."),
            new ParamSpec { Name = "mode", Description = "binary (attributes as ce- headers, the data as the body) or structured (one application/cloudevents+json body).", Default = ParamValue.Of("binary"), Enum = ["binary", "structured"] },
            Param("retries", "Further attempts per subscriber after the first, 0 to 10.", "3"),
            Param("timeout", "How long one attempt may take, as a duration such as 10s.", "10s"),
        ],
        Results =
        [
            Result("delivered", "How many subscribers took the event."),
            Result("deliveries", "JSON: [{url, status, attempts}] per subscriber, with user:password@ masked."),
        ],
    };

    /// <inheritdoc />
    protected override async ValueTask<CustomTaskOutcome> ExecuteAsync(CustomTaskContext context, CancellationToken cancellationToken)
    {
        var settings = ReadSettings(context);
        var subscribers = context.ArrayParam("subscribers").Select(Subscriber.Parse).ToList();
        var data = Data(context);
        var formatter = new JsonEventFormatter();
        using var client = Services.HttpClientFactory();
        var deliveries = new List<Delivery>();
        foreach (var subscriber in subscribers)
        {
            var cloudEvent = new CloudEvent
            {
                Id = EventId(context, subscriber, settings, data),
                Type = settings.Type,
                Source = settings.Source,
                Subject = settings.Subject.Length > 0 ? settings.Subject : null,
                Time = context.Time.GetUtcNow(),
                DataContentType = "application/json",
                Data = JsonDocument.Parse(data).RootElement.Clone(),
            };
            deliveries.Add(await DeliverAsync(client, formatter, subscriber, cloudEvent, settings, context, cancellationToken).ConfigureAwait(false));
        }

        var report = new JsonArray([.. deliveries.Select(d => d.ToJson())]).ToJsonString(Compact);
        var delivered = deliveries.Count(d => d.Delivered);
        var failed = deliveries.Where(d => !d.Delivered).ToList();
        await context.Log.WriteLineAsync($"{delivered} of {deliveries.Count} subscriber{(deliveries.Count == 1 ? string.Empty : "s")} took event {settings.Type}", cancellationToken).ConfigureAwait(false);
        if (failed.Count > 0)
        {
            throw new CatalogTaskFailure("NotificationFailed", $"{failed.Count} of {deliveries.Count} subscribers did not take the event: {string.Join("; ", failed.Select(f => f.Describe()))}");
        }

        return CustomTaskOutcome.Success(
            Results(("delivered", delivered.ToString(CultureInfo.InvariantCulture)), ("deliveries", report)),
            $"event {settings.Type} delivered to {delivered} subscriber{(delivered == 1 ? string.Empty : "s")}");
    }

    private static Settings ReadSettings(CustomTaskContext context)
    {
        var type = context.Param("type");
        if (type.Length == 0)
        {
            throw new CatalogTaskFailure("InvalidParam", "param type is empty; give the event's type, such as dev.sluice.release.published");
        }

        if (!Uri.TryCreate(context.Param("source"), UriKind.RelativeOrAbsolute, out var source) || context.Param("source").Length == 0)
        {
            throw new CatalogTaskFailure("InvalidParam", $"param source \"{context.Param("source")}\" is not a URI reference, such as /sluice/pipelines");
        }

        var mode = context.Param("mode") switch
        {
            "binary" => ContentMode.Binary,
            "structured" => ContentMode.Structured,
            var other => throw new CatalogTaskFailure("InvalidParam", $"param mode \"{other}\" is neither binary nor structured"),
        };
        if (!int.TryParse(context.Param("retries"), NumberStyles.None, CultureInfo.InvariantCulture, out var retries) || retries > MaxRetries)
        {
            throw new CatalogTaskFailure("InvalidParam", $"param retries \"{context.Param("retries")}\" is not a number from 0 to {MaxRetries}");
        }

        if (!Duration.TryParse(context.Param("timeout"), out var timeout, out var error) || timeout.Value <= TimeSpan.Zero)
        {
            throw new CatalogTaskFailure("InvalidParam", $"param timeout \"{context.Param("timeout")}\": {error ?? "give a positive duration"}, such as 10s");
        }

        return new Settings(type, source, context.Param("subject"), mode, retries, timeout.Value);
    }

    /// <summary>The event's data: the items in their order, then the run's uid and the TaskRun's name, which no item replaces.</summary>
    private static string Data(CustomTaskContext context)
    {
        var data = new JsonObject();
        foreach (var item in context.ArrayParam("data"))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CatalogTaskFailure("InvalidParam", $"param data: \"{CredentialMask.Apply(item)}\" is not NAME=VALUE, such as version=1.4.0");
            }

            data[item[..equals]] = item[(equals + 1)..];
        }

        data["run"] = context.RunUid;
        data["taskRun"] = context.TaskRunName;
        return data.ToJsonString(Compact);
    }

    /// <summary>The same for the same run, TaskRun, subscriber and payload, whichever attempt sends it.</summary>
    private static string EventId(CustomTaskContext context, Subscriber subscriber, Settings settings, string data)
    {
        var identity = string.Join('\n', context.RunUid, context.TaskRunName, subscriber.Target, settings.Type, settings.Source, settings.Subject, data);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..32];
    }

    private sealed record Settings(string Type, Uri Source, string Subject, ContentMode Mode, int Retries, TimeSpan Timeout);

    /// <summary>Where an event goes: the URL without its user information, that as Basic auth, and the URL as logs show it.</summary>
    private sealed record Subscriber(Uri Target, AuthenticationHeaderValue? Authorization, string Display)
    {
        public static Subscriber Parse(string text)
        {
            var display = CredentialMask.Apply(text);
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new CatalogTaskFailure("InvalidParam", $"param subscribers: \"{display}\" is not an http or https URL");
            }

            AuthenticationHeaderValue? authorization = null;
            if (uri.UserInfo.Length > 0)
            {
                var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
                var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
                var password = colon < 0 ? string.Empty : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
                authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
            }

            var target = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri;
            return new Subscriber(target, authorization, display);
        }
    }
}
