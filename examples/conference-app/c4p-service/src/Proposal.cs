using System.Text.Json.Serialization;

namespace C4pService;

/// <summary>Where a proposal stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProposalStatus>))]
public enum ProposalStatus
{
    /// <summary>Submitted and waiting for a decision.</summary>
    Pending,

    /// <summary>Accepted: the talk is on the agenda.</summary>
    Approved,

    /// <summary>Declined.</summary>
    Rejected,
}

/// <summary>A talk proposed to the conference's call for proposals.</summary>
public sealed record Proposal
{
    /// <summary>The proposal's identifier, given by the service.</summary>
    public required string Id { get; init; }

    /// <summary>The talk's title.</summary>
    public required string Title { get; init; }

    /// <summary>What the talk is about.</summary>
    public required string Description { get; init; }

    /// <summary>Who proposes to give it.</summary>
    public required string Author { get; init; }

    /// <summary>Where the decision is sent.</summary>
    public required string Email { get; init; }

    /// <summary>Where the proposal stands.</summary>
    public ProposalStatus Status { get; init; } = ProposalStatus.Pending;
}

/// <summary>The body of a request that submits a proposal.</summary>
public sealed record ProposalRequest(string? Title, string? Description, string? Author, string? Email)
{
    /// <summary>The fields that are missing or wrong, each with what to do; empty when the proposal can be submitted.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Title))
        {
            errors["title"] = ["A proposal needs the talk's title."];
        }

        if (string.IsNullOrWhiteSpace(Author))
        {
            errors["author"] = ["A proposal needs the author who would give the talk."];
        }

        if (string.IsNullOrWhiteSpace(Email) || !Email.Contains('@', StringComparison.Ordinal))
        {
            errors["email"] = ["A proposal needs an email address for the decision, such as ada@example.com."];
        }

        return errors;
    }
}

/// <summary>The body of a request that decides a proposal.</summary>
public sealed record Decision(bool Approved);
