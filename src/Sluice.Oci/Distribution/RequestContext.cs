using System.Collections.Immutable;

namespace Sluice.Oci.Distribution;

/// <summary>What a request is for: its registry and repository, the token scopes it needs, and a phrase for messages.</summary>
internal sealed record RequestContext(string Registry, string? Repository, ImmutableArray<string> Scopes, string Operation)
{
    public static RequestContext Pull(OciRepository repository, string operation) =>
        new(repository.Registry, repository.Name, [$"repository:{repository.Name}:pull"], operation);

    public static RequestContext Push(OciRepository repository, string operation) =>
        new(repository.Registry, repository.Name, [$"repository:{repository.Name}:pull,push"], operation);

    public static RequestContext Delete(OciRepository repository, string operation) =>
        new(repository.Registry, repository.Name, [$"repository:{repository.Name}:delete"], operation);

    public RequestContext WithScope(string scope) => Scopes.Contains(scope) ? this : this with { Scopes = Scopes.Add(scope) };
}
