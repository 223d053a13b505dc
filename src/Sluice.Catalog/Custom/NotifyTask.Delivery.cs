using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using Sluice.Engine.CustomTasks;

namespace Sluice.Catalog.Custom;

/// <summary>Delivering one event to one subscriber: attempts, backoff and what each attempt's log line says.</summary>
public sealed partial class NotifyTask
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    private static async Task<Delivery> DeliverAsync(HttpClient client, CloudEventFormatter formatter, Subscriber subscriber, CloudEvent cloudEvent, Settings settings, CustomTaskContext context, CancellationToken cancellationToken)
    {
        var attempts = settings.Retries + 1;
        for (var attempt = 1; ; attempt++)
        {
            var started = context.Time.GetTimestamp();
            var answer = await SendAsync(client, formatter, subscriber, cloudEvent, settings, context.Time, cancellationToken).ConfigureAwait(false);
            var elapsed = context.Time.GetElapsedTime(started);
            var last = answer.Delivered || !answer.Retryable || attempt == attempts;
            var delay = last ? TimeSpan.Zero : Backoff(attempt, answer.RetryAfter);
            var next = answer.Delivered ? string.Empty : last ? "; giving up" : $"; next attempt in {delay.TotalMilliseconds:0} ms";
            await context.Log.WriteLineAsync(
                string.Create(CultureInfo.InvariantCulture, $"POST {subscriber.Display} attempt {attempt} of {attempts}: {answer.Describe()} in {elapsed.TotalMilliseconds:0} ms (event {cloudEvent.Id}){next}"),
                cancellationToken).ConfigureAwait(false);
            if (last)
            {
                return new Delivery(subscriber.Display, answer.Status, attempt, answer.Delivered ? null : answer.Describe());
            }

            await Task.Delay(delay, context.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>200 ms doubling per attempt, or the subscriber's Retry-After, never more than 5 s.</summary>
    private static TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var doubled = FirstDelay * Math.Pow(2, Math.Min(attempt - 1, 10));
        var delay = retryAfter is { } asked && asked > TimeSpan.Zero ? asked : doubled;
        return delay < MaxDelay ? delay : MaxDelay;
    }

    private static async Task<Answer> SendAsync(HttpClient client, CloudEventFormatter formatter, Subscriber subscriber, CloudEvent cloudEvent, Settings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, subscriber.Target) { Content = cloudEvent.ToHttpContent(settings.Mode, formatter) };
        request.Headers.Authorization = subscriber.Authorization;
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("sluice", null));
        using var limit = new CancellationTokenSource(settings.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var retryAfter = response.Headers.RetryAfter is { } header
                ? header.Delta ?? (header.Date is { } date ? date - time.GetUtcNow() : null)
                : null;
            return new Answer(status, response.ReasonPhrase, null, status is 408 or 425 or 429 or >= 500, retryAfter);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Answer(null, null, $"no answer within {settings.Timeout.TotalSeconds:0.###} s", true, null);
        }
        catch (HttpRequestException e)
        {
            return new Answer(null, null, CredentialMask.Apply(e.Message), true, null);
        }
    }

    /// <summary>How one attempt ended: a status (and its phrase), or an error when nothing was answered.</summary>
    private sealed record Answer(int? Status, string? Phrase, string? Error, bool Retryable, TimeSpan? RetryAfter)
    {
        public bool Delivered => Status is >= 200 and < 300;

        public string Describe() => Status is { } status
            ? string.IsNullOrEmpty(Phrase) ? status.ToString(CultureInfo.InvariantCulture) : $"{status} {Phrase}"
            : Error ?? "no answer";
    }

    /// <summary>What became of the event at one subscriber; <see cref="Error"/> is null when it was taken.</summary>
    private sealed record Delivery(string Url, int? Status, int Attempts, string? Error)
    {
        public bool Delivered => Error is null;

        public JsonObject ToJson()
        {
            var json = new JsonObject { ["url"] = Url, ["status"] = Status, ["attempts"] = Attempts };
            if (Error is not null)
            {
                json["error"] = Error;
            }

            return json;
        }

        public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Url}: {Error} after {Attempts} attempt{(Attempts == 1 ? string.Empty : "s")}");
    }
}
