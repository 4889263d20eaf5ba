using Ctraffic.Client;

namespace Ctraffic.Testing;

/// <summary>
/// What traffic a test runs, and against what. The defaults suit a resilience test: an
/// in-process server, 10 connections of 10 packets a second each, running until stopped, with
/// fast re-connects so that recovery times are measured to about 100 ms.
/// </summary>
public sealed class ContinuousTrafficOptions
{
    private static readonly OptionRule<TimeSpan> SteadyStateTimeoutRule =
        new(nameof(SteadyStateTimeout), TimeSpan.FromSeconds(10), TimeSpan.Zero, TrafficOptions.MaximumWait, positive: true);

    /// <summary>
    /// The server the traffic goes to, and whose disruptions mark themselves on it
    /// (<see cref="CtrafficServer.InProcess"/>, a container, a load balancer, ...); the caller
    /// keeps it and disposes it. <see langword="null"/> with no <see cref="Address"/> starts an
    /// in-process server on a free port of 127.0.0.1 that the traffic owns
    /// (<see cref="ContinuousTraffic.Server"/>). The default value is <see langword="null"/>.
    /// </summary>
    public CtrafficServer? Server { get; set; }

    /// <summary>
    /// The address of a server the test does not control, as <c>host:port</c> or several
    /// comma-separated (the connections are spread over them in turn): short for
    /// <c>Server = CtrafficServer.External(address)</c>. The default value is <see langword="null"/>.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>
    /// A name for the traffic, when a test runs more than one: its attachments are then
    /// <c>ctraffic-NAME.json</c> and <c>ctraffic-NAME-timeline.svg</c>, and its summary starts with it.
    /// 1 to 64 of A–Z, a–z, 0–9, '.', '-', '_'. The default value is <see langword="null"/>
    /// (<c>ctraffic.json</c>, then <c>ctraffic-2.json</c> ... in the order the traffics stop).
    /// </summary>
    public string? Name { get; set; }

    /// <summary>Number of connections. The default value is 10.</summary>
    public int Connections { get; set; } = 10;

    /// <summary>Total rate in KB/s, shared by the connections. The default value is 100 (10 packets/s per connection at the defaults).</summary>
    public double RateKBps { get; set; } = 100;

    /// <summary>Packet size in bytes (at least 64). The default value is 1024.</summary>
    public int PacketSize { get; set; } = TrafficOptionRules.PacketSize.DefaultValue;

    /// <summary>Length of the traffic; <see langword="null"/> runs until stopped or disposed. The default value is <see langword="null"/>.</summary>
    public TimeSpan? Duration { get; set; }

    /// <summary>Re-connect after a failure. The default value is <see langword="true"/>.</summary>
    public bool Reconnect { get; set; } = true;

    /// <summary>Connection slots are connections × retries. The default value is 1000, so a test does not run out of them.</summary>
    public int Retries { get; set; } = 1000;

    /// <summary>TCP or UDP. The default value is <see cref="TrafficProtocol.Tcp"/>.</summary>
    public TrafficProtocol Protocol { get; set; } = TrafficProtocol.Tcp;

    /// <summary>
    /// What the connections send: echo packets, or HTTP/1.1, HTTP/2 or gRPC health requests (then
    /// with no <see cref="Server"/> nor <see cref="Address"/> an in-process HTTP server is started).
    /// The default value is <see cref="TrafficClient.Echo"/>.
    /// </summary>
    public TrafficClient Client { get; set; } = TrafficClient.Echo;

    /// <summary>Total requests per second of HTTP, HTTP/2 and gRPC traffic, shared by the connections. The default value is 100 (10 per connection at the defaults).</summary>
    public double RequestRate { get; set; } = 100;

    /// <summary>The path requested by HTTP and HTTP/2 traffic. The default value is <c>/</c>.</summary>
    public string HttpPath { get; set; } = "/";

    /// <summary>The response header that names the host that answered. The default value is <c>ctraffic-host</c>.</summary>
    public string HostHeader { get; set; } = "ctraffic-host";

    /// <summary>The status codes that are a success. The default value is <see langword="null"/>: every 2xx status.</summary>
    public IReadOnlySet<int>? SuccessStatusCodes { get; set; }

    /// <summary>
    /// Whether HTTP, HTTP/2 and gRPC traffic speaks TLS (see <see cref="TrafficOptions.Tls"/>). Set
    /// by itself when <see cref="Server"/> is an <see cref="InProcessHttpServer"/> with a
    /// certificate; with no server given, the in-process HTTP server started serves TLS with a
    /// <see cref="TestCertificate"/>. The default value is <see langword="false"/>.
    /// </summary>
    public bool Tls { get; set; }

    /// <summary>
    /// The certificates TLS traffic trusts, and only they (see <see cref="TrafficOptions.TlsTrust"/>);
    /// an in-process server's own certificate is trusted by itself. The default value is
    /// <see langword="null"/>: the machine's trusted roots (or the in-process server's certificate).
    /// </summary>
    public IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2>? TlsTrust { get; set; }

    /// <summary>
    /// Handlers of the test between the traffic and the wire (e.g. a resilience pipeline): see
    /// <see cref="TrafficOptions.HttpHandler"/>. The default value is <see langword="null"/>.
    /// </summary>
    public Func<HttpMessageHandler, HttpMessageHandler>? HttpHandler { get; set; }

    /// <summary>Source addresses for the connections; <see langword="null"/> lets the system choose. The default value is <see langword="null"/>.</summary>
    public ISourceAddressProvider? SourceAddresses { get; set; }

    /// <summary>Longest wait between connect attempts. The default value is 100 ms (the original's 1 s makes recovery times coarse).</summary>
    public TimeSpan MaxConnectBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long a connection waits for an echo (or a write) before it is failed and re-connected, as
    /// the original's 1 s read deadline does. Raise it to see whether connections survive a longer
    /// partition (TCP retransmits until the echo comes). The default value is 1 second.
    /// </summary>
    public TimeSpan ReadTimeout { get; set; } = TrafficOptionRules.ReadTimeout.DefaultValue;

    /// <summary>How long a connect may take before it counts as failed. The default value is 1.5 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TrafficOptionRules.ConnectTimeout.DefaultValue;

    /// <summary>An echo later than one packet interval plus this makes an outage. The default value is 100 ms.</summary>
    public TimeSpan OutageThreshold { get; set; } = TrafficOptionRules.OutageThreshold.DefaultValue;

    /// <summary>
    /// How long <see cref="ContinuousTraffic.WaitForSteadyStateAsync"/> waits when given no time-out:
    /// positive, at most <see cref="TrafficOptions.MaximumWait"/>. The default value is 10 seconds.
    /// </summary>
    public TimeSpan SteadyStateTimeout { get; set; } = SteadyStateTimeoutRule.DefaultValue;

    /// <summary>Receives a monitor line (the original's format) every second, e.g. for the test output. The default value is <see langword="null"/>.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>
    /// Called once with the final report when the traffic stops (also on dispose), e.g. to attach it
    /// to the test result. The default value is <see langword="null"/>.
    /// </summary>
    public Action<Ctraffic.Reports.TrafficReport>? Stopped { get; set; }

    /// <summary>The clock. The default value is <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Where the traffic's meter comes from, e.g. the <see cref="System.Diagnostics.Metrics.IMeterFactory"/>
    /// of the test host's or the application's services (see <see cref="TrafficOptions.MeterFactory"/>).
    /// The default value is <see langword="null"/>: the traffic makes its own meter.
    /// </summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; set; }

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message and parameter name name it.</exception>
    public void Validate()
    {
        if (Address is not null && Server is not null)
        {
            throw new ArgumentException($"{nameof(Address)} and {nameof(Server)} are both set: give one", nameof(Address));
        }

        if (Address is not null)
        {
            foreach (var one in Address.Split(','))
            {
                if (!HostPort.TryParse(one.Trim(), out _, out var error))
                {
                    throw new ArgumentException($"{nameof(Address)}: {error}", nameof(Address));
                }
            }
        }

        if (Name is not null && !Internal.AttachmentNames.IsValid(Name))
        {
            throw new ArgumentException($"{nameof(Name)} '{Name}' must be 1 to 64 of A-Z, a-z, 0-9, '.', '-', '_' (it names the attachments).", nameof(Name));
        }

        SteadyStateTimeoutRule.Validate(SteadyStateTimeout);
        ToTrafficOptions("127.0.0.1:1").Validate();
    }

    internal TrafficOptions ToTrafficOptions(string address) => new()
    {
        Address = address,
        Connections = Connections,
        RateKBps = RateKBps,
        PacketSize = PacketSize,
        Duration = Duration,
        Reconnect = Reconnect,
        Retries = Retries,
        Protocol = Protocol,
        SourceAddresses = SourceAddresses,
        MaxConnectBackoff = MaxConnectBackoff,
        ReadTimeout = ReadTimeout,
        ConnectTimeout = ConnectTimeout,
        OutageThreshold = OutageThreshold,
        TimeProvider = TimeProvider,
        MeterFactory = MeterFactory,
        Client = Client,
        RequestRate = RequestRate,
        HttpPath = HttpPath,
        HostHeader = HostHeader,
        SuccessStatusCodes = SuccessStatusCodes,
        HttpHandler = HttpHandler,
        Tls = Tls,
        TlsTrust = TlsTrust,
        HostRoundTrips = true,
    };

    internal ContinuousTrafficOptions Clone() => (ContinuousTrafficOptions)MemberwiseClone();
}
