using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Frontend.Tests;

public sealed class ProxyTests : IAsyncDisposable
{
    private readonly Backend _backend = new();
    private readonly WebApplicationFactory<Program> _factory;
    private readonly HttpClient _client;

    public ProxyTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host
            .UseSetting("AGENDA_SERVICE_URL", "http://agenda.test:8080")
            .UseSetting("C4P_SERVICE_URL", "http://c4p.test/conference/")
            .ConfigureTestServices(services => services.AddHttpClient<BackendProxy>().ConfigurePrimaryHttpMessageHandler(() => _backend)));
        _client = _factory.CreateClient();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _backend.Dispose();
    }

    [Fact]
    public async Task The_page_is_served_at_the_root_with_its_script()
    {
        using var page = await _client.GetAsync("/", Cancel);
        var script = await _client.GetStringAsync("/app.js", Cancel);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Conference</title>", await page.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Contains("/api/c4p/proposals/", script, StringComparison.Ordinal);
        Assert.Empty(_backend.Requests);
    }

    [Fact]
    public async Task A_read_is_forwarded_with_its_path_query_and_headers_and_the_answer_comes_back()
    {
        _backend.Answer = () => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("""[{"title":"Pipelines"}]""", Encoding.UTF8, "application/json"),
            Headers = { { "X-Served-By", "agenda" } },
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/agenda/agenda-items/?day=Monday");
        request.Headers.Add("X-Request-Id", "42");

        using var response = await _client.SendAsync(request, Cancel);

        var forwarded = Assert.Single(_backend.Requests);
        Assert.Equal((HttpMethod.Get, "http://agenda.test:8080/agenda-items/?day=Monday"), (forwarded.Method, forwarded.Url.AbsoluteUri));
        Assert.Equal(["42"], forwarded.Headers.GetValues("X-Request-Id"));
        Assert.NotEqual("localhost", forwarded.Headers.Host);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""[{"title":"Pipelines"}]""", await response.Content.ReadAsStringAsync(Cancel));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["agenda"], response.Headers.GetValues("X-Served-By"));
    }

    [Fact]
    public async Task A_write_is_forwarded_with_its_body_under_the_backends_path_and_its_status_and_location_come_back()
    {
        _backend.Answer = () => new HttpResponseMessage(HttpStatusCode.Created)
        {
            Content = new StringContent("""{"id":"p1"}""", Encoding.UTF8, "application/json"),
            Headers = { Location = new Uri("/proposals/p1", UriKind.Relative) },
        };

        using var response = await _client.PostAsJsonAsync("/api/c4p/proposals/", new { title = "Pipelines" }, Cancel);

        var forwarded = Assert.Single(_backend.Requests);
        Assert.Equal((HttpMethod.Post, "http://c4p.test/conference/proposals/"), (forwarded.Method, forwarded.Url.AbsoluteUri));
        Assert.Equal("""{"title":"Pipelines"}""", forwarded.Body);
        Assert.StartsWith("application/json", forwarded.ContentType, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/proposals/p1", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task An_error_of_a_backend_comes_back_as_it_is()
    {
        _backend.Answer = () => new HttpResponseMessage(HttpStatusCode.NotFound);

        using var response = await _client.DeleteAsync("/api/notifications/notifications/nope", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("http://notifications-service/notifications/nope", Assert.Single(_backend.Requests).Url.AbsoluteUri);
    }

    [Fact]
    public async Task An_unknown_backend_is_not_found_and_names_the_known_ones()
    {
        using var response = await _client.GetAsync("/api/billing/invoices/", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("/api/agenda/", (await response.Content.ReadFromJsonAsync<ProblemDetails>(Cancel))!.Detail, StringComparison.Ordinal);
        Assert.Empty(_backend.Requests);
    }

    [Fact]
    public async Task A_backend_that_does_not_answer_is_a_bad_gateway_naming_its_setting()
    {
        _backend.Answer = null;

        using var response = await _client.GetAsync("/api/agenda/agenda-items/", Cancel);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("AGENDA_SERVICE_URL", (await response.Content.ReadFromJsonAsync<ProblemDetails>(Cancel))!.Detail, StringComparison.Ordinal);
    }
}
