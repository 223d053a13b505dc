using C4pService;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton<ProposalStore>();
builder.Services.AddProblemDetails();
builder.Services.AddHttpClient<AgendaClient>((services, http) =>
    http.BaseAddress = ServiceUrl.Read(services.GetRequiredService<IConfiguration>(), "AGENDA_SERVICE_URL", "http://agenda-service"));
builder.Services.AddHttpClient<NotificationsClient>((services, http) =>
    http.BaseAddress = ServiceUrl.Read(services.GetRequiredService<IConfiguration>(), "NOTIFICATIONS_SERVICE_URL", "http://notifications-service"));

var app = builder.Build();
app.MapServiceEndpoints("c4p-service");
app.MapProposalEndpoints();

app.Run();
