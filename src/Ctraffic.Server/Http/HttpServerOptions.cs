using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Ctraffic.Server.Http;

/// <summary>Options of an <see cref="HttpServer"/>. Every property has a documented default.</summary>
public sealed class HttpServerOptions
{
    /// <summary>The longest host name the server sends (the length of a DNS name).</summary>
    public const int MaximumHostNameLength = 253;

    /// <summary>
    /// Listen address of HTTP/1.1, as <c>host:port</c>. <c>[::]:port</c> serves IPv4 and IPv6;
    /// port 0 picks a free port (see <see cref="HttpServer.LocalEndPoint"/>); <see langword="null"/>
    /// serves no HTTP/1.1. The default value is <c>[::1]:5080</c>.
    /// </summary>
    public string? Address { get; set; } = "[::1]:5080";

    /// <summary>
    /// Listen address of HTTP/2 without TLS (h2c with prior knowledge, as gRPC clients speak it),
    /// as <c>host:port</c>; port 0 picks a free port (see <see cref="HttpServer.Http2EndPoint"/>);
    /// <see langword="null"/> serves no HTTP/2. A port of its own: Kestrel serves HTTP/1.1 and
    /// cleartext HTTP/2 on one port only with TLS. The default value is <c>[::1]:5081</c>.
    /// </summary>
    public string? Http2Address { get; set; } = "[::1]:5081";

    /// <summary>
    /// The host name sent in the <see cref="HostHeader"/> of every response. The default value is
    /// <see langword="null"/>: the machine's host name.
    /// </summary>
    public string? HostName { get; set; }

    /// <summary>
    /// The certificate (with its private key) of TLS: when set, both listeners serve TLS, and the
    /// HTTP/1.1 address also serves HTTP/2 where the client asks for it by ALPN (<c>h2</c>, as
    /// browsers and gRPC clients over TLS do). The default value is <see langword="null"/>: no TLS.
    /// </summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>The response header that carries the host name. The default value is <c>ctraffic-host</c>.</summary>
    public string HostHeader { get; set; } = HttpServer.DefaultHostHeader;

    /// <summary>
    /// The clock of the grace period of <see cref="HttpServer.StopAsync"/>. The default value is
    /// <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The host name in effect: <see cref="HostName"/> or the machine's.</summary>
    public string EffectiveHostName => HostName ?? Dns.GetHostName();

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public void Validate()
    {
        if (Address is null && Http2Address is null)
        {
            throw new ArgumentException($"{nameof(Address)} and {nameof(Http2Address)} are both null: nothing to serve", nameof(Address));
        }

        CheckAddress(Address, nameof(Address));
        CheckAddress(Http2Address, nameof(Http2Address));

        var name = EffectiveHostName;
        if (name.Length > MaximumHostNameLength || name.Any(c => c < 0x21 || c > 0x7e))
        {
            throw new ArgumentException($"{nameof(HostName)} must be 1 to {MaximumHostNameLength} visible ASCII characters, was \"{name}\"", nameof(HostName));
        }

        if (string.IsNullOrEmpty(HostHeader) || HostHeader.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ArgumentException($"{nameof(HostHeader)} must be a header name of letters, digits, '-', '_' or '.', was \"{HostHeader}\"", nameof(HostHeader));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        if (Certificate is { HasPrivateKey: false })
        {
            throw new ArgumentException($"{nameof(Certificate)} has no private key: a server needs one to serve TLS", nameof(Certificate));
        }
    }

    private static void CheckAddress(string? address, string name)
    {
        if (address is null)
        {
            return;
        }

        if (!HostPort.TryParse(address, out var hp, out var error))
        {
            throw new ArgumentException($"{name}: {error}", name);
        }

        if (hp.Host.Length > 0 && hp.IPAddress is null)
        {
            throw new ArgumentException($"{name}: listen on an IP address, not a name ({address})", name);
        }
    }

    internal HttpServerOptions Clone() => (HttpServerOptions)MemberwiseClone();
}
