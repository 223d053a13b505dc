using NotificationsService;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<Outbox>();
builder.Services.AddProblemDetails();

var app = builder.Build();
app.MapServiceEndpoints("notifications-service");

var notifications = app.MapGroup("/notifications");
notifications.MapGet("/", (Outbox outbox) => outbox.List());
notifications.MapPost("/", (NotificationRequest request, Outbox outbox) =>
{
    if (request.Validate() is { Count: > 0 } errors)
    {
        return Results.ValidationProblem(errors);
    }

    var notification = outbox.Send(request);
    return Results.Created($"/notifications/{notification.Id}", notification);
});

app.Run();
