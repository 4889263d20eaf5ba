using Ctraffic.Testing.AspNetCore.Internal;
using Microsoft.Extensions.Hosting;

namespace Ctraffic.Testing;

/// <summary>
/// One running instance of an <see cref="AspNetCoreApp"/>: the app on real Kestrel at
/// <see cref="Address"/> (127.0.0.1), naming itself (<see cref="HostName"/>) in a response header
/// on every response. Its disruptions mark themselves on the traffic that goes to it:
/// <see cref="CtrafficServer.StopAsync"/> is the host's graceful stop (<c>"stop NAME"</c>: requests
/// in flight may finish until the host's shutdown time-out, then the rest are aborted),
/// <see cref="CtrafficServer.KillAsync"/> a crash (<c>"kill NAME"</c>: every connection aborted at
/// once, requests in flight with them), and <see cref="CtrafficServer.StartAsync"/> or
/// <see cref="StartAsync(string, CancellationToken)"/> a start again on the same port, which ends them.
/// </summary>
public sealed class AspNetCoreServer : CtrafficServer
{
    private readonly AspNetCoreApp _app;
    private readonly int _port;
    private IHost? _host;
    private string _hostName;
    private string? _nextHostName;

    internal AspNetCoreServer(AspNetCoreApp app, string hostName, IHost host, int port)
        : base(hostName)
    {
        _app = app;
        _hostName = hostName;
        _host = host;
        _port = port;
        Address = $"127.0.0.1:{port}";
    }

    /// <summary>Where the instance listens, <c>127.0.0.1:port</c>: the same after a start again.</summary>
    public override string Address { get; }

    /// <summary>The name the instance answers with in the host header (another one after <see cref="StartAsync(string, CancellationToken)"/>).</summary>
    public override string HostName => Volatile.Read(ref _hostName);

    /// <inheritdoc/>
    public override ServerDisruptions Supports => ServerDisruptions.Kill | ServerDisruptions.Stop | ServerDisruptions.Start;

    /// <inheritdoc/>
    public override bool IsRunning => Volatile.Read(ref _host) is not null;

    /// <summary>Whether it serves HTTP/2 (h2c) rather than HTTP/1.1 (<see cref="AspNetCoreAppOptions.Http2"/>).</summary>
    public bool Http2 => _app.Options.Http2;

    /// <summary>The services of the instance now running (the app's singletons, e.g. to look at its state), or <see langword="null"/> while it is stopped or killed.</summary>
    public IServiceProvider? Services => Volatile.Read(ref _host)?.Services;

    /// <summary>
    /// Starts the instance again on the same port, answering as <paramref name="hostName"/> — a new
    /// version, whose connections the report tells apart from the old one's; ends the disruption the
    /// stop or kill opened.
    /// </summary>
    /// <param name="hostName">The name the new instance answers with.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once it serves.</returns>
    /// <exception cref="InvalidOperationException">It is running.</exception>
    /// <exception cref="TimeoutException">It did not serve within <see cref="AspNetCoreAppOptions.StartTimeout"/>.</exception>
    public Task StartAsync(string hostName, CancellationToken cancellationToken = default)
    {
        AspNetCoreApp.CheckHostName(hostName);
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is running: kill or stop it first");
        }

        Volatile.Write(ref _nextHostName, hostName);
        return StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task KillCoreAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _host, null) is { } host)
        {
            await AppHosts.KillAsync(host).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    protected override async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _host, null) is { } host)
        {
            await AppHosts.StopAsync(host).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var hostName = Interlocked.Exchange(ref _nextHostName, null) ?? HostName;
        var (host, _) = await _app.StartInstanceAsync(new InstanceSettings(hostName, _port, _app.Options), cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _hostName, hostName);
        Volatile.Write(ref _host, host);
    }

    /// <summary>Kills the instance if it runs (every connection aborted: a test that ends does not wait for a drain).</summary>
    /// <returns>Completes once it is down.</returns>
    protected override async ValueTask DisposeAsyncCore()
    {
        if (Interlocked.Exchange(ref _host, null) is { } host)
        {
            await AppHosts.KillAsync(host).ConfigureAwait(false);
        }
    }
}
