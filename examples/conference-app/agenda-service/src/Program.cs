using AgendaService;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton<AgendaStore>();
builder.Services.AddProblemDetails();

var app = builder.Build();
app.MapServiceEndpoints("agenda-service");

var items = app.MapGroup("/agenda-items");
items.MapGet("/", (AgendaStore store) => store.List());
items.MapGet("/{id}", (string id, AgendaStore store) =>
    store.Find(id) is { } item ? Results.Ok(item) : Results.NotFound());
items.MapPost("/", (AgendaItemRequest request, AgendaStore store) =>
{
    if (request.Validate() is { Count: > 0 } errors)
    {
        return Results.ValidationProblem(errors);
    }

    var item = store.Add(request);
    return Results.Created($"/agenda-items/{item.Id}", item);
});
items.MapPut("/{id}", (string id, AgendaItemRequest request, AgendaStore store) =>
{
    if (request.Validate() is { Count: > 0 } errors)
    {
        return Results.ValidationProblem(errors);
    }

    return store.Replace(id, request) is { } item ? Results.Ok(item) : Results.NotFound();
});
items.MapDelete("/{id}", (string id, AgendaStore store) =>
    store.Remove(id) ? Results.NoContent() : Results.NotFound());

app.Run();
