namespace AgendaService;

/// <summary>The agenda, kept in memory in the order its items were added.</summary>
public sealed class AgendaStore
{
    private readonly Lock _lock = new();
    private readonly List<AgendaItem> _items = [];

    /// <summary>Every item, in the order they were added.</summary>
    public IReadOnlyList<AgendaItem> List()
    {
        lock (_lock)
        {
            return [.. _items];
        }
    }

    /// <summary>The item with an identifier, or null.</summary>
    public AgendaItem? Find(string id)
    {
        lock (_lock)
        {
            return _items.Find(item => item.Id == id);
        }
    }

    /// <summary>Adds an item under a new identifier and returns it.</summary>
    public AgendaItem Add(AgendaItemRequest request)
    {
        var item = request.ToItem(Guid.NewGuid().ToString("N"));
        lock (_lock)
        {
            _items.Add(item);
        }

        return item;
    }

    /// <summary>Replaces the item with an identifier; null when there is none.</summary>
    public AgendaItem? Replace(string id, AgendaItemRequest request)
    {
        lock (_lock)
        {
            var index = _items.FindIndex(item => item.Id == id);
            if (index < 0)
            {
                return null;
            }

            _items[index] = request.ToItem(id);
            return _items[index];
        }
    }

    /// <summary>Removes the item with an identifier; false when there is none.</summary>
    public bool Remove(string id)
    {
        lock (_lock)
        {
            return _items.RemoveAll(item => item.Id == id) > 0;
        }
    }
}
