using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Ctraffic.Server.Http.Internal;

/// <summary>
/// One request to a server that just started, from inside its process over loopback, once per
/// process and HTTP version: Kestrel's first request of a process pays for the JIT of its request
/// path (a hundred milliseconds and more), which the clients would see as a late response. Bounded
/// in time; a failure is ignored (the server serves, only cold).
/// </summary>
internal static class ServerWarmUp
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);
    private static int _http11;
    private static int _http2;

    public static async Task OnceAsync(IPEndPoint? endPoint, bool http2, X509Certificate2? certificate, CancellationToken cancellationToken)
    {
        if (endPoint is null || Interlocked.Exchange(ref http2 ? ref _http2 : ref _http11, 1) == 1)
        {
            return;
        }

        var address = endPoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : endPoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : endPoint.Address;
        using var handler = new SocketsHttpHandler { UseProxy = false, UseCookies = false };
        if (certificate is not null)
        {
            // Its own certificate, and only it.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHash().AsSpan().SequenceEqual(certificate.GetCertHash());
        }

        using var invoker = new HttpMessageInvoker(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(certificate is null ? "http" : "https", address.ToString(), endPoint.Port, "/").Uri)
        {
            Version = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(Bound);
        try
        {
            using var response = await invoker.SendAsync(request, bound.Token).ConfigureAwait(false);
            await response.Content.ReadAsByteArrayAsync(bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Only a warm-up.
        }
    }
}
