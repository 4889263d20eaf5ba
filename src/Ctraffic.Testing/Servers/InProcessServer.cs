using Ctraffic.Server;
using Ctraffic.Testing.Servers.Internal;

namespace Ctraffic.Testing;

/// <summary>
/// A ctraffic server in the test's own process (<see cref="CtrafficServer.InProcess"/>): real
/// sockets on loopback, killed (RST), stopped (FIN) and started again on the same port in
/// milliseconds.
/// </summary>
public sealed class InProcessServer : CtrafficServer
{
    /// <summary>The address an in-process server listens on unless told otherwise: a free port of 127.0.0.1.</summary>
    public const string DefaultAddress = "127.0.0.1:0";

    private readonly RestartableEchoServer _server;
    private string? _nextHostName;

    internal InProcessServer(EchoServerOptions options, string name)
        : base(name)
    {
        _server = new RestartableEchoServer(options, EchoServer.Start);
    }

    /// <inheritdoc/>
    public override string Address => _server.Address;

    /// <inheritdoc/>
    public override string HostName => _server.HostName;

    /// <inheritdoc/>
    public override ServerDisruptions Supports => ServerDisruptions.Kill | ServerDisruptions.Stop | ServerDisruptions.Start;

    /// <inheritdoc/>
    public override bool IsRunning => _server.Current is not null;

    /// <summary>The echo server now serving, or <see langword="null"/> while killed or stopped.</summary>
    public EchoServer? Server => _server.Current;

    /// <summary>
    /// Starts the server again on the same address, answering with another host name — a new
    /// version of the server, whose connections the report tells apart from the old one's.
    /// </summary>
    /// <param name="hostName">The host name the new server answers with.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once the server serves.</returns>
    /// <exception cref="InvalidOperationException">The server is running.</exception>
    public Task StartAsync(string hostName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostName);
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is running: kill or stop it first");
        }

        _nextHostName = hostName;
        return StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override Task KillCoreAsync(CancellationToken cancellationToken) => _server.KillAsync();

    /// <inheritdoc/>
    protected override Task StopCoreAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    /// <inheritdoc/>
    protected override Task StartCoreAsync(CancellationToken cancellationToken)
    {
        _server.Start(Name, Interlocked.Exchange(ref _nextHostName, null));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    protected override ValueTask DisposeAsyncCore() => _server.DisposeAsync();
}
