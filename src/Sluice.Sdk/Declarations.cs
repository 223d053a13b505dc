using System.Collections.Immutable;
using Sluice.Model.Pipelines;

namespace Sluice.Sdk;

/// <summary>Param declarations and values, and the replace-or-append rule every builder follows for names.</summary>
internal static class Declarations
{
    public static ParamSpec StringParam(string name, string? defaultValue, string? description) => new()
    {
        Name = name,
        TypeName = "string",
        Description = description,
        Default = defaultValue is null ? null : ParamValue.Of(defaultValue),
    };

    public static ParamSpec ArrayParam(string name, IEnumerable<string>? defaultValue, string? description) => new()
    {
        Name = name,
        TypeName = "array",
        Description = description,
        Default = defaultValue is null ? null : ParamValue.Of(defaultValue),
    };

    public static ParamSpec ObjectParam(string name, IEnumerable<string> keys, IReadOnlyDictionary<string, string>? defaultValue, string? description) => new()
    {
        Name = name,
        TypeName = "object",
        Description = description,
        Properties = keys.ToImmutableSortedDictionary(k => k, _ => new PropertySpec { Type = "string" }, StringComparer.Ordinal),
        Default = defaultValue is null ? null : ParamValue.Of(defaultValue),
    };

    /// <summary>The list with the item of that name replaced in place, or the item appended when there is none.</summary>
    public static ImmutableArray<T> Put<T>(ImmutableArray<T> items, T item, Func<T, string> name)
    {
        var key = name(item);
        for (var i = 0; i < items.Length; i++)
        {
            if (name(items[i]) == key)
            {
                return items.SetItem(i, item);
            }
        }

        return items.Add(item);
    }

    public static void RequireName(string name, string what)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException($"a {what} needs a name", nameof(name));
        }
    }
}
