using C4pService;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton<ProposalStore>();
builder.Services.AddProblemDetails();
builder.Services.AddSingleton(services => Downstreams.Read(services.GetRequiredService<IConfiguration>()));
builder.Services.AddHttpClient<AgendaClient>((services, http) => http.BaseAddress = services.GetRequiredService<Downstreams>().Agenda);
builder.Services.AddHttpClient<NotificationsClient>((services, http) => http.BaseAddress = services.GetRequiredService<Downstreams>().Notifications);

var app = builder.Build();

// A wrong address stops the service as it starts, naming the setting, rather than failing each decision.
app.Services.GetRequiredService<Downstreams>();

app.MapServiceEndpoints("c4p-service");
app.MapProposalEndpoints();

app.Run();
