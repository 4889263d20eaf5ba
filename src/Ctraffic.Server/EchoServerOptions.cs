using System.Net;

namespace Ctraffic.Server;

/// <summary>Options of an <see cref="EchoServer"/>. Every property has a documented default.</summary>
public sealed class EchoServerOptions
{
    /// <summary>
    /// Listen address as <c>host:port</c>. <c>[::]:port</c> serves IPv4 and IPv6; port 0 picks a free
    /// port (see <see cref="EchoServer.LocalEndPoint"/>). The default value is <c>[::1]:5003</c>,
    /// the original's default.
    /// </summary>
    public string Address { get; set; } = "[::1]:5003";

    /// <summary>
    /// The host name written over the start of each connection's first 64 bytes; at most 64 bytes of
    /// UTF-8. The default value is <see langword="null"/>: the machine's host name.
    /// </summary>
    public string? HostName { get; set; }

    /// <summary>Serve UDP on the same port as well. The default value is <see langword="false"/>.</summary>
    public bool Udp { get; set; }

    /// <summary>Listen backlog. The default value is 4096.</summary>
    public int Backlog { get; set; } = 4096;

    /// <summary>
    /// Called with a line of text for events worth a log line (accept errors), from a queue off the
    /// accept loop: a log that throws or blocks costs log lines, never connections. The default
    /// value is <see langword="null"/>.
    /// </summary>
    public Action<string>? Log { get; set; }

    /// <summary>
    /// TCP keep-alive on every connection: after this long idle the kernel probes the peer, and a
    /// peer that vanished without a FIN (unplugged, crashed host) is released after about twice
    /// this. At least <see cref="MinimumKeepAlive"/>, at most <see cref="MaximumKeepAlive"/>. The
    /// default value is <see langword="null"/>: off, as the original (such peers are held until the
    /// server stops).
    /// </summary>
    public TimeSpan? KeepAlive { get; set; }

    /// <summary>The shortest <see cref="KeepAlive"/>: 1 s.</summary>
    public static TimeSpan MinimumKeepAlive { get; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest <see cref="KeepAlive"/>: 32 767 s (about 9 h), the kernel's limit.</summary>
    public static TimeSpan MaximumKeepAlive { get; } = TimeSpan.FromSeconds(32_767);

    /// <summary>
    /// The clock of the server's waits: the back-off after an accept error and the grace period of
    /// <see cref="EchoServer.StopAsync"/>. The default value is <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The host name in effect: <see cref="HostName"/> or the machine's.</summary>
    public string EffectiveHostName => HostName ?? Dns.GetHostName();

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public void Validate()
    {
        if (!HostPort.TryParse(Address, out var hp, out var error))
        {
            throw new ArgumentException($"{nameof(Address)}: {error}", nameof(Address));
        }

        if (hp.Host.Length > 0 && hp.IPAddress is null)
        {
            throw new ArgumentException($"{nameof(Address)}: listen on an IP address, not a name ({Address})", nameof(Address));
        }

        if (System.Text.Encoding.UTF8.GetByteCount(EffectiveHostName) > Wire.HandshakeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(HostName), $"{nameof(HostName)} must be at most {Wire.HandshakeSize} bytes of UTF-8, was {System.Text.Encoding.UTF8.GetByteCount(EffectiveHostName)}.");
        }

        if (KeepAlive is { } keepAlive && (keepAlive < MinimumKeepAlive || keepAlive > MaximumKeepAlive))
        {
            throw new ArgumentOutOfRangeException(nameof(KeepAlive), $"{nameof(KeepAlive)} must be {MinimumKeepAlive.TotalSeconds:0} s to {MaximumKeepAlive.TotalSeconds:0} s, was {keepAlive}.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));

        if (Backlog < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Backlog), $"{nameof(Backlog)} must be at least 1, was {Backlog}.");
        }
    }

    internal EchoServerOptions Clone() => (EchoServerOptions)MemberwiseClone();
}
