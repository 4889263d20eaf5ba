using System.Net;
using System.Net.Sockets;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;

namespace Ctraffic.Testing.Containers;

/// <summary>
/// A ctraffic server in a container (Testcontainers), behind the server seam: start it, give it
/// to the traffic (<see cref="ContinuousTrafficOptions.Server"/>), and disrupt it for real — pause
/// (every process frozen), stop (SIGTERM: the server closes its connections), start again on the
/// same port. Each disruption marks itself on the traffic.
/// <code>
/// await using var server = await CtrafficContainer.StartAsync(o => o.HostName = "backend-1");
/// await using var traffic = CtrafficFixture.Start(o => o.Server = server);
/// await server.PauseAsync(TimeSpan.FromMilliseconds(500));   // marks "pause backend-1"
/// </code>
/// </summary>
public sealed class CtrafficContainer : CtrafficServer
{
    private const int ServerPort = Wire.DefaultPort;
    private readonly CtrafficContainerOptions _options;

    private volatile bool _running;

    private CtrafficContainer(CtrafficContainerOptions options, IContainer container, int hostPort)
        : base(options.HostName)
    {
        _options = options;
        Container = container;
        HostPort = hostPort;
    }

    /// <summary>The Testcontainers container, for anything else.</summary>
    public IContainer Container { get; }

    /// <summary>The port on 127.0.0.1 that reaches the server.</summary>
    public int HostPort { get; }

    /// <summary>Where to send traffic: <c>127.0.0.1:port</c>.</summary>
    public override string Address => $"127.0.0.1:{HostPort}";

    /// <summary>The host name the server sends.</summary>
    public override string HostName => _options.HostName;

    /// <inheritdoc/>
    public override ServerDisruptions Supports => ServerDisruptions.Stop | ServerDisruptions.Start | ServerDisruptions.Pause;

    /// <inheritdoc/>
    public override bool IsRunning => _running;

    /// <summary>Starts a container and waits until the server answers a handshake.</summary>
    /// <exception cref="CtrafficContainerException">Docker is not reachable, the image is missing, or the server did not answer.</exception>
    public static async Task<CtrafficContainer> StartAsync(Action<CtrafficContainerOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new CtrafficContainerOptions();
        configure?.Invoke(options);
        options.Validate();
        var hostPort = options.HostPort != 0 ? options.HostPort : FreePort();
        IContainer container;
        try
        {
            container = new ContainerBuilder(options.Image)
                .WithImagePullPolicy(_ => false)
                .WithHostname(options.HostName)
                .WithPortBinding(hostPort, ServerPort)
                .Build();
        }
        catch (DockerUnavailableException ex)
        {
            throw await StartFailureAsync(options.Image, ex, Environment.GetEnvironmentVariable(DockerEngineApi.VersionVariable), cancellationToken).ConfigureAwait(false);
        }

        var result = new CtrafficContainer(options, container, hostPort);
        try
        {
            await result.StartCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return result;
    }

    /// <summary>Starts the container (again, on the same port) and waits until the server answers a handshake.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once the server answers.</returns>
    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Container.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not CtrafficContainerException)
        {
            throw await StartFailureAsync(_options.Image, ex, Environment.GetEnvironmentVariable(DockerEngineApi.VersionVariable), cancellationToken).ConfigureAwait(false);
        }

        await WaitForHandshakeAsync(cancellationToken).ConfigureAwait(false);
        _running = true;
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
        _running = false;
        try
        {
            await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
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

    private async Task WaitForHandshakeAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _options.StartTimeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(1));
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, HostPort), timeout.Token).ConfigureAwait(false);
                await socket.SendAsync(new byte[Wire.HandshakeSize], SocketFlags.None, timeout.Token).ConfigureAwait(false);
                var reply = new byte[Wire.HandshakeSize];
                var got = 0;
                while (got < reply.Length)
                {
                    var n = await socket.ReceiveAsync(reply.AsMemory(got), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    got += n;
                }

                if (got == reply.Length)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = ex;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        throw new CtrafficContainerException(
            $"the ctraffic server in the container did not answer a handshake on {Address} within {_options.StartTimeout.TotalSeconds:0} s{(last is null ? "" : $": {last.Message}")}", last);
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
        var hint = "";
        if (ex is DockerUnavailableException && string.IsNullOrEmpty(apiVersionVariable)
            && await DockerEngineApi.VersionAsync(cancellationToken).ConfigureAwait(false) is { } version)
        {
            hint = $"; a Docker engine is running, with API version {version}, and {DockerEngineApi.VersionVariable} is not set: " +
                $"an engine older than the client (Docker 20.10 is API 1.41) needs {DockerEngineApi.VersionVariable}={version}";
        }

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
