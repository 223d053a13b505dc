namespace Hello.Service;

/// <summary>What the service says.</summary>
public static class Greeting
{
    /// <summary>A greeting for a name; an empty name is greeted as "world".</summary>
    public static string For(string? name) =>
        $"Hello, {(string.IsNullOrWhiteSpace(name) ? "world" : name.Trim())}!";
}
