using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ctraffic.Testing;

namespace Ctraffic.Examples;

/// <summary>
/// HAProxy as the system under test: started as a child process with a generated configuration
/// (mode tcp, round-robin, health checks every 100 ms) in front of the given servers, on a free
/// port of 127.0.0.1. Traffic attached to it (<c>o.Server = haproxy</c>) is attached to the
/// backends too, so that their disruptions mark themselves.
/// </summary>
public sealed class Haproxy : CtrafficServer
{
    private readonly Process _process;
    private readonly string _config;
    private readonly IReadOnlyList<CtrafficServer> _backends;
    private volatile bool _disposed;

    private Haproxy(Process process, string config, string address, IReadOnlyList<CtrafficServer> backends)
        : base("haproxy")
    {
        _process = process;
        _config = config;
        Address = address;
        _backends = backends;
    }

    /// <summary>The haproxy executable found on the PATH (or in /usr/sbin), or <see langword="null"/> if there is none.</summary>
    public static string? Executable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/sbin")
        .Select(dir => Path.Combine(dir, "haproxy")).FirstOrDefault(File.Exists);

    /// <inheritdoc/>
    public override string Address { get; }

    /// <inheritdoc/>
    public override ServerDisruptions Supports => ServerDisruptions.None;

    /// <inheritdoc/>
    public override bool IsRunning => !_disposed && !_process.HasExited;

    /// <summary>Starts HAProxy in front of <paramref name="backends"/> and returns once it accepts connections.</summary>
    public static async Task<Haproxy> StartAsync(IReadOnlyList<CtrafficServer> backends, CancellationToken cancellationToken)
    {
        var executable = Executable ?? throw new InvalidOperationException("haproxy is not installed (apt-get install -y haproxy)");
        var port = FreePort();
        var config = Path.Combine(Path.GetTempPath(), $"ctraffic-haproxy-{Environment.ProcessId}-{port}.cfg");
        await File.WriteAllTextAsync(config, Config(port, backends), cancellationToken);
        var process = Process.Start(new ProcessStartInfo(executable, ["-db", "-f", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("haproxy did not start");
        var haproxy = new Haproxy(process, config, $"127.0.0.1:{port}", backends);
        try
        {
            await haproxy.WaitUntilAcceptingAsync(port, cancellationToken);
            return haproxy;
        }
        catch
        {
            await haproxy.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc/>
    public override IDisposable RecordOn(IDisruptionRecorder recorder)
    {
        var detaches = _backends.Select(b => b.RecordOn(recorder)).Prepend(base.RecordOn(recorder)).ToList();
        return new Detach(detaches);
    }

    /// <inheritdoc/>
    protected override async ValueTask DisposeAsyncCore()
    {
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        File.Delete(_config);
    }

    private static string Config(int port, IReadOnlyList<CtrafficServer> backends)
    {
        var text = new StringBuilder($"""
            global
                maxconn 4096
            defaults
                mode tcp
                timeout connect 1s
                timeout client 60s
                timeout server 60s
                retries 3
                option redispatch
            frontend front
                bind 127.0.0.1:{port}
                default_backend servers
            backend servers
                balance roundrobin
                default-server inter 100ms fall 1 rise 1

            """);
        foreach (var backend in backends)
        {
            text.Append(CultureInfo.InvariantCulture, $"    server {backend.Name} {backend.Address} check\n");
        }

        return text.ToString();
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private async Task WaitUntilAcceptingAsync(int port, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"haproxy exited with {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync(cancellationToken)}");
            }

            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, cancellationToken); // polls until haproxy listens, with a deadline
            }
        }
    }

    private sealed class Detach(List<IDisposable> detaches) : IDisposable
    {
        public void Dispose() => detaches.ForEach(d => d.Dispose());
    }
}
