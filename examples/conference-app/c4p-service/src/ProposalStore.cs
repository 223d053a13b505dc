namespace C4pService;

/// <summary>The proposals submitted, kept in memory in the order they came.</summary>
public sealed class ProposalStore
{
    private readonly Lock _lock = new();
    private readonly List<Proposal> _proposals = [];

    /// <summary>The proposals, oldest first, all of them or those with a status.</summary>
    public IReadOnlyList<Proposal> List(ProposalStatus? status = null)
    {
        lock (_lock)
        {
            return [.. _proposals.Where(proposal => status is null || proposal.Status == status)];
        }
    }

    /// <summary>The proposal with an identifier, or null.</summary>
    public Proposal? Find(string id)
    {
        lock (_lock)
        {
            return _proposals.Find(proposal => proposal.Id == id);
        }
    }

    /// <summary>Submits a proposal under a new identifier and returns it, pending.</summary>
    public Proposal Submit(ProposalRequest request)
    {
        var proposal = new Proposal
        {
            Id = Guid.NewGuid().ToString("N"),
            Title = request.Title!.Trim(),
            Description = request.Description?.Trim() ?? "",
            Author = request.Author!.Trim(),
            Email = request.Email!.Trim(),
        };
        lock (_lock)
        {
            _proposals.Add(proposal);
        }

        return proposal;
    }

    /// <summary>
    /// Records the decision on a pending proposal and returns it; null when there is no such proposal
    /// or it was decided already.
    /// </summary>
    public Proposal? Decide(string id, bool approved)
    {
        lock (_lock)
        {
            var index = _proposals.FindIndex(proposal => proposal.Id == id && proposal.Status == ProposalStatus.Pending);
            if (index < 0)
            {
                return null;
            }

            _proposals[index] = _proposals[index] with { Status = approved ? ProposalStatus.Approved : ProposalStatus.Rejected };
            return _proposals[index];
        }
    }

    /// <summary>Withdraws a proposal; false when there is none.</summary>
    public bool Withdraw(string id)
    {
        lock (_lock)
        {
            return _proposals.RemoveAll(proposal => proposal.Id == id) > 0;
        }
    }
}
