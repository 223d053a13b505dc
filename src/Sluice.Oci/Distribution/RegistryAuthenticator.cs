using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Sluice.Oci.Distribution;

/// <summary>
/// Answers registries' <c>401</c> challenges: <c>Basic</c> with the registry's credential, or
/// <c>Bearer</c> with a token from the challenge's realm (Docker's token authentication, with the
/// request's scopes), cached per registry and scope set until shortly before it expires.
/// </summary>
internal sealed class RegistryAuthenticator
{
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromSeconds(60);

    private readonly RegistryClient _client;
    private readonly ICredentialProvider? _credentials;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, AuthChallenge> _challenges = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);

    public RegistryAuthenticator(RegistryClient client, ICredentialProvider? credentials, TimeProvider time)
    {
        _client = client;
        _credentials = credentials;
        _time = time;
    }

    /// <summary>The Authorization header for a request, once the registry has said which scheme it wants.</summary>
    public async ValueTask<AuthenticationHeaderValue?> HeaderAsync(RequestContext context, CancellationToken cancellationToken)
    {
        if (!_challenges.TryGetValue(context.Registry, out var challenge))
        {
            return null;
        }

        if (challenge.IsBasic)
        {
            return await CredentialAsync(context.Registry, cancellationToken) is { BasicParameter: { } basic }
                ? new AuthenticationHeaderValue("Basic", basic)
                : null;
        }

        return new AuthenticationHeaderValue("Bearer", await TokenAsync(context, challenge, cancellationToken));
    }

    /// <summary>
    /// Takes in a 401's challenges; true when sending the request again with what it learnt can help
    /// (a first challenge, or a token for more scopes), false when the credential was simply refused.
    /// </summary>
    public async ValueTask<bool> OnChallengeAsync(RequestContext context, HttpResponseMessage response, bool sentAuthorization, CancellationToken cancellationToken)
    {
        var challenges = response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values)
            ? values.SelectMany(v => AuthChallenge.Parse(v)).ToList()
            : [];
        var chosen = challenges.FirstOrDefault(c => c.IsBearer && c.Realm is not null) ?? challenges.FirstOrDefault(c => c.IsBasic);
        if (chosen is null)
        {
            return false;
        }

        _challenges.TryGetValue(context.Registry, out var previous);
        _challenges[context.Registry] = chosen;
        if (chosen.IsBasic)
        {
            return !sentAuthorization && await CredentialAsync(context.Registry, cancellationToken) is { BasicParameter: not null };
        }

        var wanted = Scopes(context, chosen);
        _tokens.TryRemove(TokenKey(context.Registry, wanted), out _);
        return !sentAuthorization || previous is null || !previous.IsBearer || (chosen.Scope is { } scope && !context.Scopes.Contains(scope));
    }

    /// <summary>The credential for a registry, or null.</summary>
    public async ValueTask<RegistryCredential?> CredentialAsync(string registry, CancellationToken cancellationToken) =>
        _credentials is null ? null : await _credentials.GetAsync(registry, cancellationToken);

    private static List<string> Scopes(RequestContext context, AuthChallenge challenge)
    {
        var scopes = context.Scopes.ToList();
        foreach (var scope in (challenge.Scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!scopes.Contains(scope))
            {
                scopes.Add(scope);
            }
        }

        scopes.Sort(StringComparer.Ordinal);
        return scopes;
    }

    private static string TokenKey(string registry, List<string> scopes) => $"{registry} {string.Join(' ', scopes)}";

    private async Task<string> TokenAsync(RequestContext context, AuthChallenge challenge, CancellationToken cancellationToken)
    {
        var scopes = Scopes(context, challenge);
        var key = TokenKey(context.Registry, scopes);
        var now = _time.GetUtcNow();
        if (_tokens.TryGetValue(key, out var cached) && cached.Expires - ExpiryMargin > now)
        {
            return cached.Token;
        }

        var credential = await CredentialAsync(context.Registry, cancellationToken);
        using var response = await _client.SendWithRetriesAsync(() => TokenRequest(challenge, scopes, credential), cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new RegistryException(new RegistryError
            {
                Registry = context.Registry,
                Repository = context.Repository,
                Status = (int)response.StatusCode,
                Code = "UNAUTHORIZED",
                Message = credential is null
                    ? $"{context.Registry}: {context.Operation}: the token service {RealmHost(challenge)} refused anonymous access to {string.Join(' ', scopes)}; add credentials for {context.Registry} (docker login {context.Registry}, or the registry's credentials in sluice.yaml)"
                    : $"{context.Registry}: {context.Operation}: the token service {RealmHost(challenge)} refused the credentials of {credential.Who} ({(int)response.StatusCode} {response.ReasonPhrase}); check the username and password configured for {context.Registry}",
            });
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new RegistryException(new RegistryError
            {
                Registry = context.Registry,
                Repository = context.Repository,
                Status = (int)response.StatusCode,
                Message = $"{context.Registry}: {context.Operation}: the token service {RealmHost(challenge)} answered {(int)response.StatusCode} {response.ReasonPhrase}",
            });
        }

        var (token, lifetime) = await ReadTokenAsync(response, context, cancellationToken);
        _tokens[key] = (token, now + lifetime);
        return token;
    }

    private static HttpRequestMessage TokenRequest(AuthChallenge challenge, List<string> scopes, RegistryCredential? credential)
    {
        var realm = new Uri(challenge.Realm!);
        if (credential?.IdentityToken is { Length: > 0 } refresh)
        {
            var form = new List<KeyValuePair<string, string>>
            {
                new("grant_type", "refresh_token"),
                new("refresh_token", refresh),
                new("client_id", "sluice"),
            };
            if (challenge.Service is { } service)
            {
                form.Add(new("service", service));
            }

            if (scopes.Count > 0)
            {
                form.Add(new("scope", string.Join(' ', scopes)));
            }

            return new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
        }

        var query = new List<string>();
        if (challenge.Service is { } name)
        {
            query.Add("service=" + Uri.EscapeDataString(name));
        }

        query.AddRange(scopes.Select(s => "scope=" + Uri.EscapeDataString(s)));
        if (credential?.Username is { Length: > 0 } account)
        {
            query.Add("account=" + Uri.EscapeDataString(account));
        }

        var builder = new UriBuilder(realm);
        builder.Query = string.Join('&', new[] { builder.Query.TrimStart('?') }.Where(q => q.Length > 0).Concat(query));
        var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
        if (credential?.BasicParameter is { } basic)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
        }

        return request;
    }

    private static async Task<(string Token, TimeSpan Lifetime)> ReadTokenAsync(HttpResponseMessage response, RequestContext context, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            var root = document.RootElement;
            var token = (root.TryGetProperty("token", out var t) ? t.GetString() : null) ??
                (root.TryGetProperty("access_token", out var a) ? a.GetString() : null);
            if (string.IsNullOrEmpty(token))
            {
                throw new JsonException("no token or access_token");
            }

            var lifetime = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : DefaultTokenLifetime;
            return (token, lifetime);
        }
        catch (JsonException exception)
        {
            throw new RegistryException(
                new RegistryError
                {
                    Registry = context.Registry,
                    Repository = context.Repository,
                    Status = (int)response.StatusCode,
                    Message = $"{context.Registry}: {context.Operation}: the token service {response.RequestMessage?.RequestUri?.Authority} answered without a token: {exception.Message}",
                },
                exception);
        }
    }

    private static string RealmHost(AuthChallenge challenge) =>
        Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm) ? realm.GetLeftPart(UriPartial.Path) : challenge.Realm ?? "";
}
