namespace C4pService;

/// <summary>The call for proposals' API under <c>/proposals/</c>.</summary>
public static class ProposalEndpoints
{
    /// <summary>Maps listing, submitting, reading, withdrawing and deciding proposals.</summary>
    public static void MapProposalEndpoints(this WebApplication app)
    {
        var proposals = app.MapGroup("/proposals");
        proposals.MapGet("/", (ProposalStatus? status, ProposalStore store) => store.List(status));
        proposals.MapGet("/{id}", (string id, ProposalStore store) =>
            store.Find(id) is { } proposal ? Results.Ok(proposal) : Results.NotFound());
        proposals.MapPost("/", (ProposalRequest request, ProposalStore store) =>
        {
            if (request.Validate() is { Count: > 0 } errors)
            {
                return Results.ValidationProblem(errors);
            }

            var proposal = store.Submit(request);
            return Results.Created($"/proposals/{proposal.Id}", proposal);
        });
        proposals.MapDelete("/{id}", (string id, ProposalStore store) =>
            store.Withdraw(id) ? Results.NoContent() : Results.NotFound());
        proposals.MapPost("/{id}/decide", DecideAsync);
    }

    /// <summary>
    /// Decides a pending proposal: an approved talk goes on the agenda, the author is notified either
    /// way, and only then is the decision recorded, so that a proposal whose calls failed stays pending
    /// and can be decided again.
    /// </summary>
    private static async Task<IResult> DecideAsync(
        string id,
        Decision decision,
        ProposalStore store,
        AgendaClient agenda,
        NotificationsClient notifications,
        CancellationToken cancellationToken)
    {
        if (store.Find(id) is not { } proposal)
        {
            return Results.NotFound();
        }

        if (proposal.Status != ProposalStatus.Pending)
        {
            return Results.Problem(
                $"Proposal {id} was decided already: it is {proposal.Status.ToString().ToLowerInvariant()}.",
                statusCode: StatusCodes.Status409Conflict);
        }

        try
        {
            if (decision.Approved)
            {
                await agenda.AddAsync(proposal, cancellationToken);
            }

            await notifications.SendDecisionAsync(proposal, decision.Approved, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return Results.Problem(
                $"Proposal {id} stays pending: {e.Message.TrimEnd('.')}. Check that the agenda and notifications services answer at AGENDA_SERVICE_URL and NOTIFICATIONS_SERVICE_URL.",
                statusCode: StatusCodes.Status502BadGateway);
        }

        return store.Decide(id, decision.Approved) is { } decided
            ? Results.Ok(decided)
            : Results.Problem($"Proposal {id} was decided meanwhile.", statusCode: StatusCodes.Status409Conflict);
    }
}
