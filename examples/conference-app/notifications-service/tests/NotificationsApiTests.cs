using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace NotificationsService.Tests;

public sealed class NotificationsApiTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 9, 30, 0, TimeSpan.Zero);

    private readonly WebApplicationFactory<Program> _factory;
    private readonly HttpClient _client;

    public NotificationsApiTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
            host.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(new FixedTime(Now))));
        _client = _factory.CreateClient();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Nothing_is_sent_at_first()
    {
        Assert.Empty((await _client.GetFromJsonAsync<Notification[]>("/notifications/", Cancel))!);
    }

    [Fact]
    public async Task A_sent_notification_is_stamped_with_the_time_and_listed_in_order()
    {
        using var first = await _client.PostAsJsonAsync("/notifications/", new NotificationRequest(" ada@example.com ", "Accepted", "See you there"), Cancel);
        using var second = await _client.PostAsJsonAsync("/notifications/", new NotificationRequest("grace@example.com", "Declined", null), Cancel);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var sent = await first.Content.ReadFromJsonAsync<Notification>(Cancel);
        Assert.Equal(("ada@example.com", "Accepted", "See you there", Now), (sent!.EmailTo, sent.Title, sent.Message, sent.SentAt));
        Assert.EndsWith($"/notifications/{sent.Id}", first.Headers.Location?.OriginalString, StringComparison.Ordinal);

        var listed = await _client.GetFromJsonAsync<Notification[]>("/notifications/", Cancel) ?? [];
        Assert.Equal(["ada@example.com", "grace@example.com"], listed.Select(notification => notification.EmailTo));
        Assert.Equal("", listed[1].Message);
    }

    [Theory]
    [InlineData(null, "Accepted", "emailTo")]
    [InlineData("not-an-address", "Accepted", "emailTo")]
    [InlineData("ada@example.com", "", "title")]
    public async Task A_notification_without_address_or_title_is_refused_naming_the_field(string? emailTo, string title, string field)
    {
        using var response = await _client.PostAsJsonAsync("/notifications/", new NotificationRequest(emailTo, title, "text"), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Cancel);
        Assert.Equal([field], problem!.Errors.Keys);
        Assert.Empty((await _client.GetFromJsonAsync<Notification[]>("/notifications/", Cancel))!);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
