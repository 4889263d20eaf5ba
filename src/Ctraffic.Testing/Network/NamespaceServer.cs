using System.Globalization;
using Ctraffic.Server;
using Ctraffic.Testing.Servers.Internal;

namespace Ctraffic.Testing;

/// <summary>
/// A ctraffic server in a network namespace of its own (<see cref="Namespace"/>), reached at
/// <c>198.18.x.2:5003</c> over a veth pair, so that the kernel's packet filter can drop its packets
/// (<see cref="NetworkNamespace.PacketLoss"/>, <see cref="NetworkNamespace.Partition"/>, ...). It
/// is the in-process echo server, started on a thread that has joined the namespace with
/// <c>setns(2)</c>: its listening socket is created there, and every connection it accepts
/// belongs to the namespace too, while the rest of the process stays in its own. (The other way,
/// a child <c>ctraffic -server</c> under <c>ip netns exec</c>, costs a process start per restart
/// and a binary to find; this one restarts in milliseconds, like <see cref="InProcessServer"/>.)
/// Kill (RST), stop (FIN) and start again as the in-process server; the faults of its namespace
/// mark themselves on the traffic that goes to it. Disposing it stops the server and deletes the namespace.
/// </summary>
public sealed class NamespaceServer : CtrafficServer
{
    /// <summary>The port the server listens on in its namespace unless told otherwise: the original's 5003.</summary>
    public const int DefaultPort = 5003;

    private readonly RestartableEchoServer _server;

    private NamespaceServer(NetworkNamespace ns, EchoServerOptions options, string name)
        : base(name)
    {
        Namespace = ns;
        _server = new RestartableEchoServer(options, o => ns.Run(() => EchoServer.Start(o)));
        AddChild(ns); // the namespace's faults mark themselves with the server's disruptions
    }

    /// <summary>The namespace the server listens in; its faults act on the server's packets.</summary>
    public NetworkNamespace Namespace { get; }

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
    /// Makes a namespace and starts a ctraffic server in it, on <c>NAMESPACE-ADDRESS:5003</c>
    /// unless <paramref name="configure"/> sets another <see cref="EchoServerOptions.Address"/>.
    /// The namespace's faults wait on the server's clock (<see cref="EchoServerOptions.TimeProvider"/>).
    /// </summary>
    /// <param name="configure">Sets the options (host name, UDP, ...); <see langword="null"/> keeps the defaults.</param>
    /// <param name="name">Names it in its disruptions; <see langword="null"/> for the host name if one is set, else the namespace's name.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The server, serving.</returns>
    /// <exception cref="NetworkSetupException">Namespaces are not possible here (<see cref="NetworkNamespace.UnavailableReason"/>), or setting one up failed.</exception>
    public static async Task<NamespaceServer> StartAsync(Action<EchoServerOptions>? configure = null, string? name = null, CancellationToken cancellationToken = default)
    {
        var ns = await NetworkNamespace.CreateAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var options = new EchoServerOptions { Address = string.Create(CultureInfo.InvariantCulture, $"{ns.Address}:{DefaultPort}") };
            configure?.Invoke(options);
            options.HostName ??= name ?? ns.Name;
            options.Validate();
            ns.TimeProvider = options.TimeProvider;
            return new NamespaceServer(ns, options, name ?? options.HostName);
        }
        catch
        {
            await ns.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    protected override Task KillCoreAsync(CancellationToken cancellationToken) => _server.KillAsync();

    /// <inheritdoc/>
    protected override Task StopCoreAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    /// <inheritdoc/>
    protected override Task StartCoreAsync(CancellationToken cancellationToken)
    {
        _server.Start(Name);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    protected override async ValueTask DisposeAsyncCore()
    {
        try
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await Namespace.DisposeAsync().ConfigureAwait(false);
        }
    }
}
