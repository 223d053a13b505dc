using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Sluice.Oci.Tests.Registry;

/// <summary>
/// A token service as Docker's token authentication specifies it, on 127.0.0.1: it checks Basic
/// credentials and issues ES256 JWTs (with the signing certificate in <c>x5c</c>) granting the scopes
/// asked for, which the registry verifies against <see cref="CertificatePem"/>.
/// </summary>
public sealed class TokenServer : IAsyncDisposable
{
    public const string Service = "sluice-test-registry";
    public const string Issuer = "sluice-test-issuer";

    private readonly HttpListener _listener = new();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private readonly string _user;
    private readonly string _password;
    private int _issued;

    public TokenServer(int port, string user, string password)
    {
        _user = user;
        _password = password;
        var request = new CertificateRequest("CN=sluice-test-token", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Realm = $"http://127.0.0.1:{port}/token";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = ServeAsync(_stop.Token);
    }

    /// <summary>The token endpoint's URL.</summary>
    public string Realm { get; }

    /// <summary>The certificate the registry trusts, as PEM.</summary>
    public string CertificatePem => _certificate.ExportCertificatePem();

    /// <summary>How many tokens were issued.</summary>
    public int Issued => Volatile.Read(ref _issued);

    /// <summary>The scope parameters of every token request so far.</summary>
    public List<string> ScopesRequested { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _listener.Close();
        _certificate.Dispose();
        _key.Dispose();
        _stop.Dispose();
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var context = await _listener.GetContextAsync().WaitAsync(cancellationToken);
            using var response = context.Response;
            var query = context.Request.QueryString;
            var scopes = query.GetValues("scope") ?? [];
            lock (ScopesRequested)
            {
                ScopesRequested.Add(string.Join(' ', scopes));
            }

            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_user}:{_password}"));
            if (context.Request.Headers["Authorization"] != expected || query["service"] != Service)
            {
                response.StatusCode = 401;
                continue;
            }

            var token = Sign(scopes);
            Interlocked.Increment(ref _issued);
            var body = JsonSerializer.SerializeToUtf8Bytes(new { token, access_token = token, expires_in = 300 });
            response.ContentType = "application/json";
            await response.OutputStream.WriteAsync(body, cancellationToken);
        }
    }

    private string Sign(string[] scopes)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var access = scopes.SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(scope =>
        {
            var parts = scope.Split(':');
            return new { type = parts[0], name = string.Join(':', parts[1..^1]), actions = parts[^1].Split(',') };
        });
        var header = new { typ = "JWT", alg = "ES256", x5c = new[] { Convert.ToBase64String(_certificate.RawData) } };
        var claims = new { iss = Issuer, sub = _user, aud = Service, exp = now + 300, nbf = now - 10, iat = now, jti = Guid.NewGuid().ToString("N"), access };
        var signed = $"{Base64Url(JsonSerializer.SerializeToUtf8Bytes(header))}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims))}";
        return $"{signed}.{Base64Url(_key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256))}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
