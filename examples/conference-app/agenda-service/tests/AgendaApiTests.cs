using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace AgendaService.Tests;

public sealed class AgendaApiTests : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory = new();
    private readonly HttpClient _client;

    public AgendaApiTests() => _client = _factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task The_agenda_starts_empty()
    {
        var items = await _client.GetFromJsonAsync<AgendaItem[]>("/agenda-items/", Cancel);

        Assert.Empty(items!);
    }

    [Fact]
    public async Task An_added_item_is_found_by_its_location_and_listed_in_order()
    {
        using var first = await _client.PostAsJsonAsync("/agenda-items/", new AgendaItemRequest("p-1", " Pipelines ", "Ada", "Monday", "10:00"), Cancel);
        using var second = await _client.PostAsJsonAsync("/agenda-items/", new AgendaItemRequest(null, "Charts", "Grace", null, null), Cancel);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var created = await first.Content.ReadFromJsonAsync<AgendaItem>(Cancel);
        Assert.Equal(("p-1", "Pipelines", "Ada", "Monday", "10:00"), (created!.ProposalId, created.Title, created.Author, created.Day, created.Time));
        Assert.Equal(created, await _client.GetFromJsonAsync<AgendaItem>(first.Headers.Location, Cancel));

        var items = await _client.GetFromJsonAsync<AgendaItem[]>("/agenda-items/", Cancel) ?? [];
        Assert.Equal(["Pipelines", "Charts"], items.Select(item => item.Title));
        Assert.Equal(("", ""), (items[1].Day, items[1].Time));
    }

    [Fact]
    public async Task An_item_without_title_or_author_is_refused_naming_both()
    {
        using var response = await _client.PostAsJsonAsync("/agenda-items/", new AgendaItemRequest(null, " ", null, "Monday", null), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Cancel);
        Assert.Equal(["author", "title"], problem!.Errors.Keys.Order());
        Assert.Empty((await _client.GetFromJsonAsync<AgendaItem[]>("/agenda-items/", Cancel))!);
    }

    [Fact]
    public async Task An_item_is_rescheduled_in_place()
    {
        using var created = await _client.PostAsJsonAsync("/agenda-items/", new AgendaItemRequest(null, "Pipelines", "Ada", "Monday", "10:00"), Cancel);
        var location = created.Headers.Location;

        using var updated = await _client.PutAsJsonAsync(location, new AgendaItemRequest(null, "Pipelines", "Ada", "Tuesday", "14:30"), Cancel);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var item = await _client.GetFromJsonAsync<AgendaItem>(location, Cancel);
        Assert.Equal(("Tuesday", "14:30"), (item!.Day, item.Time));
    }

    [Fact]
    public async Task Replacing_needs_an_existing_item_and_a_complete_one()
    {
        using var missing = await _client.PutAsJsonAsync("/agenda-items/nope", new AgendaItemRequest(null, "Pipelines", "Ada", null, null), Cancel);
        using var incomplete = await _client.PutAsJsonAsync("/agenda-items/nope", new AgendaItemRequest(null, null, "Ada", null, null), Cancel);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
    }

    [Fact]
    public async Task A_removed_item_is_gone()
    {
        using var created = await _client.PostAsJsonAsync("/agenda-items/", new AgendaItemRequest(null, "Pipelines", "Ada", null, null), Cancel);
        var location = created.Headers.Location;

        using var removed = await _client.DeleteAsync(location, Cancel);
        using var again = await _client.DeleteAsync(location, Cancel);
        using var found = await _client.GetAsync(location, Cancel);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (removed.StatusCode, again.StatusCode, found.StatusCode));
    }
}
