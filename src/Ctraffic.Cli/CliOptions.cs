using Ctraffic.Cli.Flags;
using Ctraffic.Client;
using Ctraffic.Statistics;

namespace Ctraffic.Cli;

/// <summary>The flags of the original ctraffic (same names, defaults and syntax), plus ours.</summary>
internal sealed class CliOptions
{
    /// <summary>The longest host name a resolver takes (DNS: 253 characters, the runtime: 255).</summary>
    private const int MaximumHostNameLength = 253;

    public bool Server { get; set; }
    public string Address { get; set; } = "[::1]:5003";
    public int Nconn { get; set; } = TrafficOptionRules.Connections.DefaultValue;
    public int Retries { get; set; } = TrafficOptionRules.Retries.DefaultValue;
    public TimeSpan Timeout { get; set; } = TrafficOptionRules.Duration.DefaultValue;
    public bool Monitor { get; set; }
    public int Psize { get; set; } = TrafficOptionRules.PacketSize.DefaultValue;
    public double Rate { get; set; } = TrafficOptionRules.RateKBps.DefaultValue;
    public bool Reconnect { get; set; } = true;
    public string Stats { get; set; } = "summary";
    public string StatFile { get; set; } = "";
    public string Analyze { get; set; } = "throughput";
    public string SrcCidr { get; set; } = "";
    public string SrcFile { get; set; } = "";
    public bool Udp { get; set; }
    public string Client { get; set; } = "echo";
    public bool Version { get; set; }
    public bool Local { get; set; }
    public string Plot { get; set; } = "";
    public string Report { get; set; } = "";
    public string HostName { get; set; } = "";
    public TimeSpan KeepAlive { get; set; } = TimeSpan.Zero;
    public string Http { get; set; } = "";
    public string H2 { get; set; } = "";
    public string Path { get; set; } = "/";
    public string HostHeader { get; set; } = Ctraffic.Server.Http.HttpServer.DefaultHostHeader;
    public bool Tls { get; set; }
    public string CaCert { get; set; } = "";
    public string TlsCert { get; set; } = "";
    public string TlsKey { get; set; } = "";

    /// <summary>The roots of <c>-cacert</c>, read by <see cref="Validate"/>; <see langword="null"/> without the flag.</summary>
    public IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2>? CaCertificates { get; private set; }

    /// <summary>The server certificate of <c>-tlscert</c> and <c>-tlskey</c>, read by <see cref="Validate"/>; <see langword="null"/> without them.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ServerCertificate { get; private set; }

    /// <summary>Whether the client sends HTTP requests (<c>-client http|h2|grpc</c>) rather than echo packets.</summary>
    public bool HttpClient => Client is "http" or "h2" or "grpc";

    public StatisticsDetail StatsDetail => Stats switch
    {
        "none" => StatisticsDetail.None,
        "all" => StatisticsDetail.All,
        _ => StatisticsDetail.Summary,
    };

    public FlagSet Flags { get; } = new();

    public static CliOptions Parse(IReadOnlyList<string> args)
    {
        var o = new CliOptions();
        var f = o.Flags;
        f.Bool("server", false, "Act as server", v => o.Server = v);
        f.String("address", o.Address, "Server address", v => o.Address = v);
        f.Int("nconn", o.Nconn, "Number of connections", v => o.Nconn = v);
        f.Int("retries", o.Retries, "Connection slots are nconn*retries; every re-connect takes a new slot", v => o.Retries = v);
        f.Duration("timeout", o.Timeout, "Timeout (length of the client run)", v => o.Timeout = v);
        f.Bool("monitor", false, "Monitor (a progress line on stderr every second)", v => o.Monitor = v);
        f.Int("psize", o.Psize, "Packet size (at least 64)", v => o.Psize = v);
        f.Float("rate", o.Rate, "Total rate in KB/second, shared by all connections", v => o.Rate = v);
        f.Bool("reconnect", true, "Re-connect on failures", v => o.Reconnect = v);
        f.String("stats", o.Stats, "Statistics; none, summary, all", v => o.Stats = v);
        f.String("stat_file", "", "Statistics file to analyze (- for stdin); several, merged: a,b or 'out/*.json'", v => o.StatFile = v);
        f.String("analyze", o.Analyze, "Analyze; throughput, connections, hosts", v => o.Analyze = v);
        f.String("srccidr", "", "Source CIDR (one source address per connection)", v => o.SrcCidr = v);
        f.String("srcfile", "", "File with source addresses, one per line", v => o.SrcFile = v);
        f.Bool("udp", false, "Use UDP", v => o.Udp = v);
        f.String("client", o.Client, "Client; echo, http (HTTP/1.1), h2 (HTTP/2, h2c), grpc (gRPC health checks); for http, h2 and grpc -rate is requests/second", v => o.Client = v);
        f.Bool("version", false, "Print version and quit", v => o.Version = v);
        f.Bool("local", false, "Run against an in-process server on loopback (no setup needed)", v => o.Local = v);
        f.String("plot", "", "With -analyze: write an SVG graph to this file", v => o.Plot = v);
        f.String("report", "", "Client, or with -analyze: write the run's report, one self-contained HTML page, to this file", v => o.Report = v);
        f.String("hostname", "", "Server: the host name sent to clients (default: the machine's)", v => o.HostName = v);
        f.Duration("keepalive", TimeSpan.Zero, "Server: TCP keep-alive after this idle time; a vanished peer is released after about twice it (0: off)", v => o.KeepAlive = v);
        f.String("http", "", "Server: also serve HTTP/1.1 on this address, e.g. [::]:5080 (empty: off)", v => o.Http = v);
        f.String("h2", "", "Server: also serve HTTP/2 without TLS (h2c) and gRPC health on this address, e.g. [::]:5081 (empty: off)", v => o.H2 = v);
        f.String("path", o.Path, "Client http, h2: the request path", v => o.Path = v);
        f.String("hostheader", o.HostHeader, "The HTTP response header that names the host that answered", v => o.HostHeader = v);
        f.Bool("tls", false, "Client http, h2, grpc: speak TLS (https; h2 by ALPN)", v => o.Tls = v);
        f.String("cacert", "", "Client -tls: trust only the certificates of this PEM file (default: the machine's roots)", v => o.CaCert = v);
        f.String("tlscert", "", "Server: serve -http and -h2 over TLS with this PEM certificate (with -tlskey)", v => o.TlsCert = v);
        f.String("tlskey", "", "Server: the PEM private key of -tlscert", v => o.TlsKey = v);
        f.Parse(args);
        if (f.Rest.Count > 0)
        {
            throw new UsageException($"unexpected argument: {f.Rest[0]}");
        }

        return o;
    }

    /// <summary>Reads a PEM file of <paramref name="flag"/>: a file that cannot be read or holds no certificate is a <see cref="UsageException"/>.</summary>
    private static T ReadPem<T>(string flag, string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new UsageException($"invalid value \"{path}\" for flag -{flag}: {ex.Message}");
        }
    }

    /// <summary>Checks the values; a bad one is a <see cref="UsageException"/> naming the flag.</summary>
    public void Validate()
    {
        if (!HostPort.TryParse(Address, out var hp, out var error))
        {
            throw new UsageException($"invalid value \"{Address}\" for flag -address: {error}");
        }

        if (Server && hp.Host.Length > 0 && hp.IPAddress is null)
        {
            throw new UsageException($"invalid value \"{Address}\" for flag -address: listen on an IP address, e.g. [::]:5003");
        }

        Require(hp.IPAddress is not null || hp.Host.Length <= MaximumHostNameLength, "address", Address, $"the host name is longer than {MaximumHostNameLength} characters");
        Require(KeepAlive == TimeSpan.Zero || (KeepAlive >= Ctraffic.Server.EchoServerOptions.MinimumKeepAlive && KeepAlive <= Ctraffic.Server.EchoServerOptions.MaximumKeepAlive),
            "keepalive", GoDuration.Format(KeepAlive), $"must be 0 (off) or 1s to {GoDuration.Format(Ctraffic.Server.EchoServerOptions.MaximumKeepAlive)}");
        Require(Stats is "none" or "summary" or "all", "stats", Stats, "must be none, summary or all");
        Require(Analyze is "throughput" or "connections" or "hosts", "analyze", Analyze, "must be throughput, connections or hosts");
        Require(Client is "echo" or "http" or "h2" or "grpc", "client", Client, "must be echo, http, h2 or grpc");
        Require(!(HttpClient && Udp), "udp", "true", "-udp is for the echo client only");
        Require(CaCert.Length == 0 || Tls, "cacert", CaCert, "needs -tls");
        Require((TlsCert.Length == 0) == (TlsKey.Length == 0), TlsCert.Length == 0 ? "tlskey" : "tlscert", TlsCert.Length == 0 ? TlsKey : TlsCert, "give -tlscert and -tlskey together");
        Require(TlsCert.Length == 0 || Http.Length > 0 || H2.Length > 0, "tlscert", TlsCert, "is for -http and -h2");
        RequireListen("http", Http);
        RequireListen("h2", H2);
        Require(SrcCidr.Length == 0 || SrcFile.Length == 0, "srcfile", SrcFile, "give -srccidr or -srcfile, not both");
        Require(!(Local && Server), "local", "true", "-local runs a client; it cannot be combined with -server");
        Require(Report.Length == 0 || !Server, "report", Report, "is for a run of the client or for -analyze of a -stat_file");
        Require(Report.Length == 0 || !Directory.Exists(Report), "report", Report, "is a directory");
        if (SrcCidr.Length > 0 && !Cidr.TryParse(SrcCidr, out _, out var cidrError))
        {
            throw new UsageException($"invalid value \"{SrcCidr}\" for flag -srccidr: {cidrError}");
        }

        if (CaCert.Length > 0)
        {
            CaCertificates = ReadPem<IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2>>("cacert", CaCert, () =>
            {
                var roots = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
                roots.ImportFromPemFile(CaCert);
                return roots.Count > 0 ? [.. roots] : throw new System.Security.Cryptography.CryptographicException("no certificate in the file");
            });
        }

        if (TlsCert.Length > 0)
        {
            ServerCertificate = ReadPem("tlscert", TlsCert, () => System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(TlsCert, TlsKey));
        }

        if (ToTrafficOptions().FindError(FlagNaming.Instance) is { } traffic)
        {
            throw new UsageException($"invalid value \"{FlagNaming.Value(traffic, this)}\" for flag {traffic.Name}: {traffic.Reason}");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(HostName) > Wire.HandshakeSize)
        {
            throw new UsageException($"invalid value \"{HostName}\" for flag -hostname: at most {Wire.HandshakeSize} bytes");
        }
    }

    /// <summary>The traffic options of these flags (all but the source addresses, which <see cref="ClientCommand"/> reads).</summary>
    public TrafficOptions ToTrafficOptions() => new()
    {
        Address = Address,
        Connections = Nconn,
        Retries = Retries,
        Duration = Timeout,
        PacketSize = Psize,
        RateKBps = Rate,
        Reconnect = Reconnect,
        Protocol = Udp ? TrafficProtocol.Udp : TrafficProtocol.Tcp,
        Client = Client switch
        {
            "http" => TrafficClient.Http,
            "h2" => TrafficClient.Http2,
            "grpc" => TrafficClient.Grpc,
            _ => TrafficClient.Echo,
        },
        RequestRate = Rate,
        HttpPath = Path,
        HostHeader = HostHeader,
        Tls = Tls,
        TlsTrust = CaCertificates,
    };

    private void RequireListen(string flag, string address)
    {
        if (address.Length == 0)
        {
            return;
        }

        Require(Server, flag, address, "serving HTTP needs -server");
        if (!HostPort.TryParse(address, out var hp, out var error))
        {
            throw new UsageException($"invalid value \"{address}\" for flag -{flag}: {error}");
        }

        Require(hp.Host.Length == 0 || hp.IPAddress is not null, flag, address, "listen on an IP address, e.g. [::]:5080");
    }

    private static void Require(bool ok, string flag, object value, string why)
    {
        if (!ok)
        {
            throw new UsageException($"invalid value \"{value}\" for flag -{flag}: {why}");
        }
    }
}
