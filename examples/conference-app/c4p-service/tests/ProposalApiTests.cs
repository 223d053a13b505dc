using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace C4pService.Tests;

public sealed class ProposalApiTests : IAsyncDisposable
{
    private static readonly ProposalRequest Pipelines = new("Pipelines as code", "Tekton and C#", "Ada", "ada@example.com");

    private readonly Downstream _downstream = new();
    private readonly WebApplicationFactory<Program> _factory;
    private readonly HttpClient _client;

    public ProposalApiTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host
            .UseSetting("AGENDA_SERVICE_URL", "http://agenda.test:8080")
            .UseSetting("NOTIFICATIONS_SERVICE_URL", "http://notifications.test/base")
            .ConfigureTestServices(services =>
            {
                services.AddHttpClient<AgendaClient>().ConfigurePrimaryHttpMessageHandler(() => _downstream);
                services.AddHttpClient<NotificationsClient>().ConfigurePrimaryHttpMessageHandler(() => _downstream);
            }));
        _client = _factory.CreateClient();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _downstream.Dispose();
    }

    [Fact]
    public async Task A_submitted_proposal_is_pending_and_found_by_its_location()
    {
        using var submitted = await _client.PostAsJsonAsync("/proposals/", Pipelines, Cancel);

        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var proposal = await submitted.Content.ReadFromJsonAsync<Proposal>(Cancel);
        Assert.Equal(("Pipelines as code", "Ada", ProposalStatus.Pending), (proposal!.Title, proposal.Author, proposal.Status));
        Assert.Equal(proposal, await _client.GetFromJsonAsync<Proposal>(submitted.Headers.Location, Cancel));
        Assert.Equal([proposal], await _client.GetFromJsonAsync<Proposal[]>("/proposals/", Cancel) ?? []);
        Assert.Contains("\"status\":\"Pending\"", await _client.GetStringAsync(submitted.Headers.Location, Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proposal_without_title_author_or_address_is_refused_naming_each()
    {
        using var response = await _client.PostAsJsonAsync("/proposals/", new ProposalRequest("", "text", null, "nobody"), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Cancel);
        Assert.Equal(["author", "email", "title"], problem!.Errors.Keys.Order());
    }

    [Fact]
    public async Task An_approved_proposal_goes_on_the_agenda_and_its_author_is_told()
    {
        var proposal = await SubmitAsync();

        using var decided = await _client.PostAsJsonAsync($"/proposals/{proposal.Id}/decide/", new Decision(true), Cancel);

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        Assert.Equal(ProposalStatus.Approved, (await decided.Content.ReadFromJsonAsync<Proposal>(Cancel))!.Status);
        var (agenda, notification) = (_downstream.Requests[0], _downstream.Requests[1]);
        Assert.Equal((HttpMethod.Post, "http://agenda.test:8080/agenda-items/"), (agenda.Method, agenda.Url.AbsoluteUri));
        using var item = JsonDocument.Parse(agenda.Body);
        Assert.Equal((proposal.Id, "Pipelines as code", "Ada"), (Text(item, "proposalId"), Text(item, "title"), Text(item, "author")));
        Assert.Equal((HttpMethod.Post, "http://notifications.test/base/notifications/"), (notification.Method, notification.Url.AbsoluteUri));
        using var sent = JsonDocument.Parse(notification.Body);
        Assert.Equal("ada@example.com", Text(sent, "emailTo"));
        Assert.Contains("accepted", Text(sent, "title"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_proposal_only_tells_its_author()
    {
        var proposal = await SubmitAsync();

        using var decided = await _client.PostAsJsonAsync($"/proposals/{proposal.Id}/decide/", new Decision(false), Cancel);

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var request = Assert.Single(_downstream.Requests);
        Assert.Equal("/base/notifications/", request.Url.AbsolutePath);
        using var sent = JsonDocument.Parse(request.Body);
        Assert.Contains("not accepted", Text(sent, "title"), StringComparison.Ordinal);
        Assert.Equal([ProposalStatus.Rejected], (await _client.GetFromJsonAsync<Proposal[]>("/proposals/?status=Rejected", Cancel))!.Select(p => p.Status));
        Assert.Empty((await _client.GetFromJsonAsync<Proposal[]>("/proposals/?status=Pending", Cancel))!);
    }

    [Fact]
    public async Task A_proposal_is_decided_once()
    {
        var proposal = await SubmitAsync();

        using var first = await _client.PostAsJsonAsync($"/proposals/{proposal.Id}/decide/", new Decision(true), Cancel);
        using var second = await _client.PostAsJsonAsync($"/proposals/{proposal.Id}/decide/", new Decision(false), Cancel);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Conflict), (first.StatusCode, second.StatusCode));
        Assert.Contains("approved", (await second.Content.ReadFromJsonAsync<ProblemDetails>(Cancel))!.Detail, StringComparison.Ordinal);
        Assert.Equal(2, _downstream.Requests.Count);
    }

    [Fact]
    public async Task An_unknown_proposal_cannot_be_decided_read_or_withdrawn()
    {
        using var decided = await _client.PostAsJsonAsync("/proposals/nope/decide/", new Decision(true), Cancel);
        using var read = await _client.GetAsync("/proposals/nope", Cancel);
        using var withdrawn = await _client.DeleteAsync("/proposals/nope", Cancel);

        Assert.All([decided, read, withdrawn], response => Assert.Equal(HttpStatusCode.NotFound, response.StatusCode));
        Assert.Empty(_downstream.Requests);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(null)]
    public async Task A_proposal_whose_agenda_call_fails_stays_pending(HttpStatusCode? agendaAnswer)
    {
        var proposal = await SubmitAsync();
        _downstream.Answers["/agenda-items/"] = agendaAnswer;

        using var decided = await _client.PostAsJsonAsync($"/proposals/{proposal.Id}/decide/", new Decision(true), Cancel);

        Assert.Equal(HttpStatusCode.BadGateway, decided.StatusCode);
        Assert.Contains("AGENDA_SERVICE_URL", (await decided.Content.ReadFromJsonAsync<ProblemDetails>(Cancel))!.Detail, StringComparison.Ordinal);
        Assert.Equal(ProposalStatus.Pending, (await _client.GetFromJsonAsync<Proposal>($"/proposals/{proposal.Id}", Cancel))!.Status);
        Assert.Single(_downstream.Requests);
    }

    [Fact]
    public async Task A_withdrawn_proposal_is_gone()
    {
        var proposal = await SubmitAsync();

        using var withdrawn = await _client.DeleteAsync($"/proposals/{proposal.Id}", Cancel);

        Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
        Assert.Empty((await _client.GetFromJsonAsync<Proposal[]>("/proposals/", Cancel))!);
    }

    private async Task<Proposal> SubmitAsync()
    {
        using var submitted = await _client.PostAsJsonAsync("/proposals/", Pipelines, Cancel);
        return (await submitted.Content.ReadFromJsonAsync<Proposal>(Cancel))!;
    }

    private static string? Text(JsonDocument document, string property) => document.RootElement.GetProperty(property).GetString();
}
