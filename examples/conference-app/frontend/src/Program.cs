using Frontend;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton(services => Backends.Read(services.GetRequiredService<IConfiguration>()));
builder.Services.AddHttpClient<BackendProxy>();
builder.Services.AddProblemDetails();

var app = builder.Build();

// A wrong address stops the frontend as it starts, naming the setting, rather than failing each call.
app.Services.GetRequiredService<Backends>();

app.UseDefaultFiles();
app.UseStaticFiles();
app.MapServiceEndpoints("frontend");
app.Map("/api/{backend}/{**path}", (HttpContext context, string backend, BackendProxy proxy) => proxy.ForwardAsync(context, backend));

app.Run();
