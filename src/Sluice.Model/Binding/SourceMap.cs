using System.Runtime.CompilerServices;
using Sluice.Model.Diagnostics;

namespace Sluice.Model.Binding;

/// <summary>
/// Remembers where each bound object and each of its fields came from, so that checks made after
/// binding can still point at file, line and column.
/// </summary>
public sealed class SourceMap
{
    private readonly ConditionalWeakTable<object, Entry> _entries = [];

    /// <summary>An empty map, for resources built in code.</summary>
    public static SourceMap Empty { get; } = new();

    /// <summary>Where an object, one of its fields or one item of a list field came from.</summary>
    /// <param name="owner">A bound record.</param>
    /// <param name="field">A field name of the record, or null for the record itself.</param>
    /// <param name="index">An index into a list field.</param>
    public SourceLocation Locate(object? owner, string? field = null, int? index = null)
    {
        if (owner is null || !_entries.TryGetValue(owner, out var entry))
        {
            return SourceLocation.None;
        }

        if (field is not null)
        {
            if (index is not null && entry.Items.TryGetValue((field, index.Value), out var item))
            {
                return item;
            }

            if (entry.Fields.TryGetValue(field, out var location))
            {
                return location;
            }
        }

        return entry.Self;
    }

    /// <summary>Whether a field of a bound record was written in the YAML.</summary>
    /// <param name="owner">A bound record.</param>
    /// <param name="field">A field name of the record.</param>
    public bool HasField(object owner, string field) => _entries.TryGetValue(owner, out var entry) && entry.Fields.ContainsKey(field);

    /// <summary>Whether a field of a bound record was written with a value already reported as wrong (so it is not missing).</summary>
    /// <param name="owner">A bound record.</param>
    /// <param name="field">A field name of the record.</param>
    public bool IsRefused(object owner, string field) => _entries.TryGetValue(owner, out var entry) && entry.Refused.Contains(field);

    internal void RecordObject(object owner, SourceLocation location) =>
        _entries.AddOrUpdate(owner, new Entry(location));

    internal void RecordField(object owner, string field, SourceLocation location)
    {
        if (_entries.TryGetValue(owner, out var entry))
        {
            entry.Fields[field] = location;
        }
    }

    internal void RecordRefused(object owner, string field)
    {
        if (_entries.TryGetValue(owner, out var entry))
        {
            entry.Refused.Add(field);
        }
    }

    internal void RecordItem(object owner, string field, int index, SourceLocation location)
    {
        if (_entries.TryGetValue(owner, out var entry))
        {
            entry.Items[(field, index)] = location;
        }
    }

    private sealed class Entry(SourceLocation self)
    {
        public SourceLocation Self { get; } = self;

        public Dictionary<string, SourceLocation> Fields { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string, int), SourceLocation> Items { get; } = [];

        public HashSet<string> Refused { get; } = new(StringComparer.Ordinal);
    }
}
