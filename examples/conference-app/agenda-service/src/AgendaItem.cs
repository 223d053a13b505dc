namespace AgendaService;

/// <summary>A talk on the conference's agenda.</summary>
public sealed record AgendaItem
{
    /// <summary>The item's identifier, given by the service.</summary>
    public required string Id { get; init; }

    /// <summary>The call-for-proposals proposal the talk came from, if any.</summary>
    public string? ProposalId { get; init; }

    /// <summary>The talk's title.</summary>
    public required string Title { get; init; }

    /// <summary>Who gives the talk.</summary>
    public required string Author { get; init; }

    /// <summary>The day of the conference, such as <c>Monday</c>; empty until scheduled.</summary>
    public string Day { get; init; } = "";

    /// <summary>The time of day, such as <c>10:30</c>; empty until scheduled.</summary>
    public string Time { get; init; } = "";
}

/// <summary>The body of a request that creates or replaces an agenda item.</summary>
public sealed record AgendaItemRequest(string? ProposalId, string? Title, string? Author, string? Day, string? Time)
{
    /// <summary>The fields that are missing, each with what to do; empty when the request is complete.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Title))
        {
            errors["title"] = ["An agenda item needs a title."];
        }

        if (string.IsNullOrWhiteSpace(Author))
        {
            errors["author"] = ["An agenda item needs the author who gives the talk."];
        }

        return errors;
    }

    /// <summary>The item this request describes, under an identifier.</summary>
    public AgendaItem ToItem(string id) => new()
    {
        Id = id,
        ProposalId = string.IsNullOrWhiteSpace(ProposalId) ? null : ProposalId,
        Title = Title!.Trim(),
        Author = Author!.Trim(),
        Day = Day?.Trim() ?? "",
        Time = Time?.Trim() ?? "",
    };
}
