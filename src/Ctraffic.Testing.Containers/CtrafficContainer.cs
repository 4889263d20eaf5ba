using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;

namespace Ctraffic.Testing.Containers;

/// <summary>
/// A ctraffic server in a container (Testcontainers), behind the server seam: start it, give it
/// to the traffic (<see cref="ContinuousTrafficOptions.Server"/>), and disrupt it for real — kill
/// (SIGKILL: the process dies, the kernel closes its sockets), stop (SIGTERM: the server closes its
/// connections), start again on the same address, pause (every process frozen), and, on a
/// <see cref="CtrafficNetwork"/>, disconnect from the network and connect again. Each disruption
/// marks itself on the traffic.
/// <code>
/// await using var server = await CtrafficContainer.StartAsync(o => o.HostName = "backend-1");
/// await using var traffic = CtrafficFixture.Start(o => o.Server = server);
/// await server.PauseAsync(TimeSpan.FromMilliseconds(500));   // marks "pause backend-1"
/// </code>
/// Without a network the server is reached through Docker's port proxy on 127.0.0.1 (the port is
/// published on the loopback addresses only, unless <see cref="CtrafficContainerOptions.PublishAddress"/>
/// says otherwise), which
/// accepts connects while the server is down and then resets them; on a network it is reached at
/// its own address, as on a real network.
/// </summary>
public sealed class CtrafficContainer : CtrafficServer
{
    private const int ServerPort = Wire.DefaultPort;
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);
    private readonly CtrafficContainerOptions _options;
    private readonly EchoRoundTrip _ready;
    private readonly IPAddress? _ip;
    private IDisposable? _disconnected;
    private volatile bool _running;
    private readonly Lock _gate = new();
    private bool _created;

    private CtrafficContainer(CtrafficContainerOptions options, int hostPort, IPAddress? ip)
        : base(options.HostName)
    {
        _options = options;
        HostPort = hostPort;
        _ip = ip;
        _ready = new EchoRoundTrip(() => EndPoint);
        var builder = new ContainerBuilder(options.Image)
            .WithImagePullPolicy(_ => false)
            .WithLabel(ContainerOwnership.Labels)
            .WithHostname(options.HostName)
            .WithWaitStrategy(Wait.ForUnixContainer().AddCustomWaitStrategy(_ready, s => s.WithTimeout(options.StartTimeout).WithInterval(TimeSpan.FromMilliseconds(50))));
        if (options.Network is { } network)
        {
            builder = builder
                .WithNetwork(network.Network)
                .WithNetworkAliases(options.HostName)
                .WithCreateParameterModifier(p =>
                {
                    // A fixed address, so that the traffic's address survives a restart.
                    foreach (var endpoint in p.NetworkingConfig?.EndpointsConfig?.Values ?? [])
                    {
                        endpoint.IPAMConfig = new EndpointIPAMConfig { IPv4Address = ip!.ToString() };
                    }
                });
        }
        else
        {
            // Published on the loopback addresses only, unless the options say otherwise.
            var port = hostPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var on = options.PublishAddress.Equals(IPAddress.Loopback) && HasIPv6Loopback()
                ? new[] { options.PublishAddress, IPAddress.IPv6Loopback }
                : [options.PublishAddress];
            builder = builder
                .WithExposedPort(ServerPort)
                .WithCreateParameterModifier(p =>
                {
                    p.HostConfig ??= new HostConfig();
                    p.HostConfig.PortBindings = new Dictionary<string, IList<PortBinding>>
                    {
                        [$"{ServerPort}/tcp"] = [.. on.Select(a => new PortBinding { HostIP = a.ToString(), HostPort = port })],
                    };
                });
        }

        Container = builder.Build();
    }

    /// <summary>The Testcontainers container, for anything else.</summary>
    public IContainer Container { get; }

    /// <summary>The port on 127.0.0.1 that reaches the server through Docker's port proxy; 0 on a <see cref="CtrafficNetwork"/>.</summary>
    public int HostPort { get; }

    /// <summary>Where to send traffic: the container's own address on its network (<c>198.19.x.y:5003</c>), or <c>127.0.0.1:port</c> without one.</summary>
    public override string Address => Ctraffic.HostPort.Format(EndPoint);

    /// <summary>The host name the server sends.</summary>
    public override string HostName => _options.HostName;

    /// <inheritdoc/>
    public override ServerDisruptions Supports => ServerDisruptions.Kill | ServerDisruptions.Stop | ServerDisruptions.Start | ServerDisruptions.Pause;

    /// <inheritdoc/>
    public override bool IsRunning => _running;

    private IPEndPoint EndPoint => _ip is not null
        ? new IPEndPoint(_ip, ServerPort)
        : new IPEndPoint(_options.PublishAddress.Equals(IPAddress.Any) || _options.PublishAddress.Equals(IPAddress.IPv6Any) ? IPAddress.Loopback : _options.PublishAddress, HostPort);

    /// <summary>Starts a container and waits until the server answers a handshake.</summary>
    /// <param name="configure">Sets the options; <see langword="null"/> keeps the defaults.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The container, serving.</returns>
    /// <exception cref="CtrafficContainerException">Docker is not reachable, the image is missing, or the server did not answer.</exception>
    public static async Task<CtrafficContainer> StartAsync(Action<CtrafficContainerOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new CtrafficContainerOptions();
        configure?.Invoke(options);
        options.Validate();
        await ContainerOwnership.PrepareAsync(cancellationToken).ConfigureAwait(false);
        var network = options.Network;
        CtrafficContainer result;
        try
        {
            result = new CtrafficContainer(options, network is null ? (options.HostPort != 0 ? options.HostPort : FreePort()) : 0, network?.NextAddress());
        }
        catch (DockerUnavailableException ex)
        {
            throw await StartFailureAsync(options.Image, ex, Environment.GetEnvironmentVariable(DockerEngineApi.VersionVariable), cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await result.StartCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await result.Container.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return result;
    }

    /// <summary>
    /// Disconnects the container from its network: its connections stay open but no packet gets
    /// through (TCP retransmits), new connects get no answer — a network partition of this one
    /// server. Opens the disruption <c>"disconnect NAME"</c>, which <see cref="ConnectAsync"/> ends.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once disconnected.</returns>
    /// <exception cref="InvalidOperationException">The container is not on a <see cref="CtrafficNetwork"/>, or is disconnected already.</exception>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        var network = _options.Network ?? throw new InvalidOperationException($"{Name} is on no CtrafficNetwork: only such a container can be disconnected");
        var span = BeginDisruption($"disconnect {Name}");
        if (Interlocked.CompareExchange(ref _disconnected, span, null) is not null)
        {
            span.Dispose();
            throw new InvalidOperationException($"{Name} is disconnected already");
        }

        using var docker = DockerClient();
        await docker.Networks.DisconnectNetworkAsync(network.Name, new NetworkDisconnectParameters { Container = Container.Id, Force = true }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Connects the container to its network again, on the same address; ends the disruption <see cref="DisconnectAsync"/> opened.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once connected.</returns>
    /// <exception cref="InvalidOperationException">The container is not disconnected.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        var network = _options.Network ?? throw new InvalidOperationException($"{Name} is on no CtrafficNetwork");
        var span = Volatile.Read(ref _disconnected) ?? throw new InvalidOperationException($"{Name} is not disconnected");
        using var docker = DockerClient();
        await docker.Networks.ConnectNetworkAsync(network.Name, new NetworkConnectParameters
        {
            Container = Container.Id,
            EndpointConfig = new EndpointSettings
            {
                IPAMConfig = new EndpointIPAMConfig { IPv4Address = _ip!.ToString() },
                Aliases = [HostName],
            },
        }, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _disconnected, null)?.Dispose();
        span.Dispose();
    }

    /// <summary>
    /// Disconnects the container for <paramref name="duration"/> and connects it again
    /// (<see cref="DisconnectAsync"/>, then <see cref="ConnectAsync"/>).
    /// </summary>
    /// <param name="duration">How long; positive.</param>
    /// <param name="cancellationToken">Ends the partition early.</param>
    /// <returns>Completes once connected again.</returns>
    public async Task DisconnectForAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        await DisconnectAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(duration, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await ConnectAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Starts the container (again, on the same address) and waits until the server answers a handshake.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once the server answers.</returns>
    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        // The create is not cancelled half-way: the engine goes on making a container whose
        // request was dropped, and this process would never learn its id to remove it. A cancel
        // that comes before the container exists is honoured once it does (Testcontainers'
        // Created event: the id is known, and the dispose after the cancel removes it).
        using var start = new CancellationTokenSource();
        void Cancel(bool created)
        {
            lock (_gate)
            {
                _created |= created;
                if (!_created || !cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }

            start.Cancel();
        }

        void OnCreated(object? sender, EventArgs e) => Cancel(created: true);
        Container.Created += OnCreated;
        try
        {
            using (cancellationToken.Register(() => Cancel(created: false)))
            {
                Cancel(created: false);
                await Container.StartAsync(start.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not CtrafficContainerException)
        {
            throw new OperationCanceledException("the container start was cancelled", ex, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not CtrafficContainerException)
        {
            throw ex is TimeoutException
                ? new CtrafficContainerException(
                    $"the ctraffic server in the container did not answer a handshake on {Address} within {_options.StartTimeout.TotalSeconds:0} s{(_ready.LastError is { } last ? $": {last.Message}" : "")}", ex)
                : await StartFailureAsync(_options.Image, ex, Environment.GetEnvironmentVariable(DockerEngineApi.VersionVariable), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Container.Created -= OnCreated;
        }

        _running = true;
    }

    /// <summary>Kills the server process (SIGKILL): it dies at once and the kernel closes its sockets.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once the container has stopped.</returns>
    protected override async Task KillCoreAsync(CancellationToken cancellationToken)
    {
        _running = false;
        using var docker = DockerClient();
        await docker.Containers.KillContainerAsync(Container.Id, new ContainerKillParameters { Signal = "KILL" }, cancellationToken).ConfigureAwait(false);

        // The signal is sent at once; the process is gone a moment later. Return once it is.
        // Real time, whatever the options' clock: this waits on the engine, not a disruption's length.
        var time = TimeProvider.System;
        var start = time.GetTimestamp();
        while ((await docker.Containers.InspectContainerAsync(Container.Id, cancellationToken).ConfigureAwait(false)).State?.Running == true
            && time.GetElapsedTime(start) < KillWait)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the container: the server gets SIGTERM and closes every connection (FIN).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once the container has stopped.</returns>
    protected override Task StopCoreAsync(CancellationToken cancellationToken)
    {
        _running = false;
        return Container.StopAsync(cancellationToken);
    }

    /// <summary>Freezes every process of the container (the kernel still holds its sockets), for <paramref name="duration"/>.</summary>
    /// <param name="duration">How long.</param>
    /// <param name="cancellationToken">Ends the pause early.</param>
    /// <returns>Completes once the container runs again.</returns>
    protected override async Task PauseCoreAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        await Container.PauseAsync(cancellationToken).ConfigureAwait(false);

        // The pause's timer is set before the pause shows (IsRunning): one who sees it paused and
        // moves the clock on (a fake one, in a test) finds the timer already there.
        var paused = Task.Delay(duration, _options.TimeProvider, cancellationToken);
        _running = false;
        try
        {
            await paused.ConfigureAwait(false);
        }
        finally
        {
            await Container.UnpauseAsync(CancellationToken.None).ConfigureAwait(false);
            _running = true;
        }
    }

    /// <summary>Removes the container.</summary>
    /// <returns>Completes once removed.</returns>
    protected override ValueTask DisposeAsyncCore() => Container.DisposeAsync();

    private static DockerClient DockerClient() => ContainerOwnership.Client();

    /// <summary>Whether this machine has the IPv6 loopback address (a port can be published on [::1]).</summary>
    private static bool HasIPv6Loopback()
    {
        try
        {
            return File.ReadLines("/proc/net/if_inet6").Any(l => l.StartsWith("00000000000000000000000000000001", StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The error of a failed start. Testcontainers reports an engine whose API is older than its
    /// client's (Docker 20.10, API 1.41) as "Docker is unavailable"; when an engine does answer on
    /// the socket and <c>DOCKER_API_VERSION</c> is not set, the message says so and how to fix it.
    /// </summary>
    /// <param name="image">The image that was to run.</param>
    /// <param name="ex">Why it did not.</param>
    /// <param name="apiVersionVariable">The value of <c>DOCKER_API_VERSION</c>.</param>
    /// <param name="cancellationToken">Stops asking the engine.</param>
    internal static async Task<CtrafficContainerException> StartFailureAsync(string image, Exception ex, string? apiVersionVariable, CancellationToken cancellationToken)
    {
        var hint = await ContainerErrors.ApiVersionHintAsync(ex, apiVersionVariable, cancellationToken).ConfigureAwait(false);
        return new CtrafficContainerException(
            $"cannot start a container of {image}: {ex.Message} (is the Docker engine running, and the image built with build/image.sh?){hint}", ex);
    }

    private static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }
}
