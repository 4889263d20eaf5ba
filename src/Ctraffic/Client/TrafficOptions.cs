namespace Ctraffic.Client;

/// <summary>
/// What traffic to run: the original's client flags. Every property has the original's default.
/// Call <see cref="Validate"/> (the client does) to get a clear error naming a bad option.
/// </summary>
public sealed class TrafficOptions
{
    /// <summary>Smallest packet size; smaller values are raised to it, as in the original.</summary>
    public const int MinimumPacketSize = 64;

    /// <summary>Largest packet size.</summary>
    public const int MaximumPacketSize = 1 << 20;

    /// <summary>Most connections of one run.</summary>
    public const int MaximumConnections = 1_000_000;

    /// <summary>
    /// Highest total rate in KB/s (about 1 TB/s): far above what a machine echoes, and low enough
    /// that the pacing arithmetic stays finite.
    /// </summary>
    public const double MaximumRateKBps = 1e9;

    /// <summary>Highest total request rate of HTTP runs (requests per second): far above what a machine serves.</summary>
    public const double MaximumRequestRate = 1e9;

    /// <summary>Longest run (10 years); <see langword="null"/> runs until stopped.</summary>
    public static TimeSpan MaximumDuration { get; } = TimeSpan.FromDays(3650);

    /// <summary>
    /// Longest time between two packets of one connection (a year): a lower rate, for the
    /// connections and packet size asked, is an error rather than a connection that never sends.
    /// </summary>
    public static TimeSpan MaximumPacketInterval { get; } = TimeSpan.FromDays(365);

    /// <summary>Longest read time-out, connect time-out, back-off and outage threshold (an hour).</summary>
    public static TimeSpan MaximumWait { get; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The server, as <c>host:port</c>; or several, comma-separated, taken in turn by every
    /// connect (the first connections go to each in turn; a re-connect goes to the next, so that
    /// connections move away from an address that is down). The default value is <c>[::1]:5003</c>.
    /// </summary>
    public string Address { get; set; } = "[::1]:5003";

    /// <summary>Number of connections held at once. The default value is 1.</summary>
    public int Connections { get; set; } = TrafficOptionRules.Connections.DefaultValue;

    /// <summary>
    /// Connection slots are <see cref="Connections"/> × <see cref="Retries"/>; every re-connect after a
    /// failure takes a new slot, and the run ends when none are left. The default value is 10.
    /// </summary>
    public int Retries { get; set; } = TrafficOptionRules.Retries.DefaultValue;

    /// <summary>
    /// Length of the run; <see langword="null"/> runs until stopped. The default value is 10 seconds.
    /// </summary>
    public TimeSpan? Duration { get; set; } = TrafficOptionRules.Duration.DefaultValue;

    /// <summary>Packet size in bytes; values below 64 are raised to 64. The default value is 1024.</summary>
    public int PacketSize { get; set; } = TrafficOptionRules.PacketSize.DefaultValue;

    /// <summary>Total rate in KB/s (1 KB = 1024 bytes), shared equally by all connections. The default value is 10.</summary>
    public double RateKBps { get; set; } = TrafficOptionRules.RateKBps.DefaultValue;

    /// <summary>TCP or UDP. The default value is <see cref="TrafficProtocol.Tcp"/>.</summary>
    public TrafficProtocol Protocol { get; set; } = TrafficProtocol.Tcp;

    /// <summary>
    /// What the connections send: echo packets, or HTTP/1.1, HTTP/2 or gRPC requests (then each
    /// connection keeps one request in flight, paced as echo packets are, at
    /// <see cref="RequestRate"/>). The default value is <see cref="TrafficClient.Echo"/>.
    /// </summary>
    public TrafficClient Client { get; set; } = TrafficClient.Echo;

    /// <summary>
    /// Total requests per second of an HTTP, HTTP/2 or gRPC run, shared equally by all
    /// connections (<see cref="RateKBps"/> is for echo runs). The default value is 10.
    /// </summary>
    public double RequestRate { get; set; } = TrafficOptionRules.RequestRate.DefaultValue;

    /// <summary>The path (and query) requested by HTTP and HTTP/2 runs. The default value is <c>/</c>.</summary>
    public string HttpPath { get; set; } = "/";

    /// <summary>
    /// The response header that names the host that answered (a ctraffic server sends its host
    /// name in it): the per-host figures of HTTP runs come from it. The default value is <c>ctraffic-host</c>.
    /// </summary>
    public string HostHeader { get; set; } = "ctraffic-host";

    /// <summary>
    /// Whether HTTP, HTTP/2 and gRPC runs speak TLS (<c>https://</c>; HTTP/2 negotiated by ALPN).
    /// The default value is <see langword="false"/>.
    /// </summary>
    public bool Tls { get; set; }

    /// <summary>
    /// The certificates a TLS run trusts, and only they: the server's certificate must chain to one
    /// of them (a self-signed test certificate is its own root) and name the address connected to.
    /// Trusted by the run's connections alone, never added to a store of the machine. The default
    /// value is <see langword="null"/>: the machine's trusted roots.
    /// </summary>
    public IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2>? TlsTrust { get; set; }

    /// <summary>
    /// The status codes that are a success; other responses are error responses, counted by status.
    /// The default value is <see langword="null"/>: every 2xx status.
    /// </summary>
    public IReadOnlySet<int>? SuccessStatusCodes { get; set; }

    /// <summary>
    /// Puts handlers of the test between the traffic and the wire: called once per connection
    /// (lane) with the handler that sends on the lane's <c>SocketsHttpHandler</c>, it returns the
    /// handler the requests go through (e.g. a <c>DelegatingHandler</c> with a retry policy whose
    /// <c>InnerHandler</c> is the one given). The statistics then show what the application saw
    /// (requests) and what the wire saw (<see cref="Statistics.HttpStatistics.WireAttempts"/>).
    /// The default value is <see langword="null"/>: requests go to the wire directly.
    /// </summary>
    public Func<HttpMessageHandler, HttpMessageHandler>? HttpHandler { get; set; }

    /// <summary>Re-connect at once after a connection fails. The default value is <see langword="true"/>.</summary>
    public bool Reconnect { get; set; } = true;

    /// <summary>Time to wait for an echo (and for any single write) before the connection is failed. The default value is 1 second.</summary>
    public TimeSpan ReadTimeout { get; set; } = TrafficOptionRules.ReadTimeout.DefaultValue;

    /// <summary>Time to wait for a connect before it counts as failed. The default value is 1.5 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TrafficOptionRules.ConnectTimeout.DefaultValue;

    /// <summary>
    /// Longest wait between connect attempts; the waits start at 100 ms and double up to this.
    /// The default value is 1 second, as in the original; a test that measures recovery times
    /// wants it short (100 ms retries at a constant pace).
    /// </summary>
    public TimeSpan MaxConnectBackoff { get; set; } = TrafficOptionRules.MaxConnectBackoff.DefaultValue;

    /// <summary>
    /// An echo that comes later than one packet interval plus this after the previous one (or
    /// none) makes an outage. The default value is 100 ms.
    /// </summary>
    public TimeSpan OutageThreshold { get; set; } = TrafficOptionRules.OutageThreshold.DefaultValue;

    /// <summary>
    /// Source addresses: called once per new connection to get the local address to bind (port 0 =
    /// any); <see langword="null"/> result or provider lets the system choose. The default value is <see langword="null"/>.
    /// </summary>
    public ISourceAddressProvider? SourceAddresses { get; set; }

    /// <summary>
    /// Whether round-trip times are also kept per server host (for <see cref="Reports.HostStatistics.Rtt"/>),
    /// per second, for at most <see cref="Reports.HostStatistics.MaximumHostsWithRtt"/> hosts: about
    /// 10 KB per host and second of traffic. The default value is <see langword="false"/> (the command
    /// leaves it off for long runs; the test library turns it on).
    /// </summary>
    public bool HostRoundTrips { get; set; }

    /// <summary>The clock of the run. The default value is <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Where the run's meter (<see cref="Telemetry.CtrafficTelemetry.MeterName"/>) comes from: the
    /// <see cref="System.Diagnostics.Metrics.IMeterFactory"/> of an application's or a test host's
    /// services (<c>services.GetRequiredService&lt;IMeterFactory&gt;()</c>), so that its metrics are
    /// scoped to that container. The factory owns the meter and disposes it with itself; it may give
    /// runs with the same tags (the same address, transport and client) one meter, whose counters
    /// then add up both. A run's observable instruments report nothing once the run ended.
    /// <see langword="null"/>: the run creates its own meter and disposes it when it ends.
    /// The default value is <see langword="null"/>.
    /// </summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; set; }

    /// <summary>The packet size actually used: <see cref="PacketSize"/>, at least 64.</summary>
    public int EffectivePacketSize => Math.Max(MinimumPacketSize, PacketSize);

    /// <summary>The addresses of <paramref name="address"/>: one <c>host:port</c> or several, comma-separated.</summary>
    internal static HostPort[] ParseAddresses(string address) => [.. address.Split(',').Select(a => HostPort.Parse(a.Trim()))];

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public void Validate()
    {
        foreach (var one in (Address ?? "").Split(','))
        {
            if (!HostPort.TryParse(one.Trim(), out _, out var error))
            {
                throw new ArgumentException($"{nameof(Address)}: {error}", nameof(Address));
            }
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        if (FindError() is { } problem)
        {
            throw problem.ToException();
        }
    }

    /// <summary>
    /// The first option, other than <see cref="Address"/>, that breaks a rule of
    /// <see cref="TrafficOptionRules"/> or does not fit with the others, in the words of
    /// <paramref name="naming"/>; <see langword="null"/> when every one fits.
    /// </summary>
    /// <param name="naming">How the caller names the options; <see langword="null"/> for <see cref="OptionNaming.Properties"/>.</param>
    /// <returns>The error, or <see langword="null"/>.</returns>
    public OptionError? FindError(OptionNaming? naming = null)
    {
        naming ??= OptionNaming.Properties;
        return Rule(naming, TrafficOptionRules.Connections, Connections)
            ?? Rule(naming, TrafficOptionRules.Retries, Retries)
            ?? Fits(naming, (long)Connections * Retries <= int.MaxValue, nameof(Retries), Retries,
                $"{naming.NameOf(nameof(Connections))} × {naming.NameOf(nameof(Retries))} = {(long)Connections * Retries} connection slots, more than {int.MaxValue}")
            ?? (Duration is { } duration ? Rule(naming, TrafficOptionRules.Duration, duration) : null)
            ?? Rule(naming, TrafficOptionRules.PacketSize, PacketSize)
            ?? Rule(naming, TrafficOptionRules.RateKBps, RateKBps)
            ?? Fits(naming, RateKBps >= MinimumRateKBps, nameof(RateKBps), RateKBps,
                $"must be at least {MinimumRateKBps:G4} KB/s with {naming.NameOf(nameof(Connections))} {Connections} and {naming.NameOf(nameof(PacketSize))} {EffectivePacketSize} (one packet per connection every {MaximumPacketInterval.TotalDays} days)")
            ?? Rule(naming, TrafficOptionRules.ReadTimeout, ReadTimeout)
            ?? Rule(naming, TrafficOptionRules.MaxConnectBackoff, MaxConnectBackoff)
            ?? Rule(naming, TrafficOptionRules.OutageThreshold, OutageThreshold)
            ?? Rule(naming, TrafficOptionRules.ConnectTimeout, ConnectTimeout)
            ?? Fits(naming, HttpPath is not null && HttpPath.StartsWith('/') && Uri.IsWellFormedUriString(HttpPath, UriKind.Relative), nameof(HttpPath), HttpPath, "must be a URI path starting with /")
            ?? Fits(naming, !string.IsNullOrEmpty(HostHeader) && HostHeader.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'), nameof(HostHeader), HostHeader,
                "must be a header name of letters, digits, '-', '_' or '.'")
            ?? (Client != TrafficClient.Echo ? FindRequestError(naming) : null)
            ?? Fits(naming, !Tls || Client != TrafficClient.Echo, nameof(Tls), Tls, "is for the http, h2 and grpc clients; the echo client speaks no TLS")
            ?? Fits(naming, TlsTrust is null || (Tls && TlsTrust.Count > 0), nameof(TlsTrust), null,
                TlsTrust is { Count: 0 } ? "holds no certificate" : $"is given but {naming.NameOf(nameof(Tls))} is off");
    }

    /// <summary>The errors of an HTTP, HTTP/2 or gRPC run's options.</summary>
    private OptionError? FindRequestError(OptionNaming naming)
    {
        var minimumRequests = Connections / MaximumPacketInterval.TotalSeconds;
        return Fits(naming, Enum.IsDefined(Client), nameof(Client), Client, $"must be a {nameof(TrafficClient)}")
            ?? Fits(naming, Protocol == TrafficProtocol.Tcp, nameof(Protocol), Protocol, $"must be {nameof(TrafficProtocol.Tcp)} for the {Client} client")
            ?? Rule(naming, TrafficOptionRules.RequestRate, RequestRate)
            ?? Fits(naming, RequestRate >= minimumRequests, nameof(RequestRate), RequestRate,
                $"must be at least {minimumRequests:G4} requests/s with {naming.NameOf(nameof(Connections))} {Connections} (one request per connection every {MaximumPacketInterval.TotalDays} days)")
            ?? Fits(naming, SuccessStatusCodes is null || (SuccessStatusCodes.Count > 0 && SuccessStatusCodes.All(c => c is >= 100 and <= 599)), nameof(SuccessStatusCodes), null,
                "must hold status codes of 100 to 599, at least one");
    }

    private static OptionError? Rule<T>(OptionNaming naming, OptionRule<T> rule, T value)
        where T : struct, IComparable<T>, IFormattable
        => rule.Problem(value, naming) is { } why ? new OptionError(rule.Name, naming.NameOf(rule.Name), value, why) : null;

    private static OptionError? Fits(OptionNaming naming, bool ok, string option, object? value, string why)
        => ok ? null : new OptionError(option, naming.NameOf(option), value, why);

    /// <summary>The lowest <see cref="RateKBps"/> for these connections and packet size: one packet per connection every <see cref="MaximumPacketInterval"/>.</summary>
    private double MinimumRateKBps => (double)EffectivePacketSize * Connections / 1024 / MaximumPacketInterval.TotalSeconds;

    /// <summary>A copy of these options.</summary>
    public TrafficOptions Clone() => (TrafficOptions)MemberwiseClone();
}
