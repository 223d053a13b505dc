using System.Reflection;
using System.Runtime.InteropServices;
using Hello.Service;

var app = WebApplication.CreateSlimBuilder(args).Build();
var version = Assembly.GetExecutingAssembly().GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

app.MapGet("/health", () => Results.Text($"ok {version} {RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}\n"));
app.MapGet("/hello/{name?}", (string? name) => Results.Text(Greeting.For(name) + "\n"));

app.Run();
