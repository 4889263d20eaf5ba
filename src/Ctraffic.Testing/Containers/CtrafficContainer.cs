using System.Net;
using System.Net.Sockets;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;

namespace Ctraffic.Testing.Containers;

/// <summary>
/// A ctraffic server in a container (Testcontainers): start it, point <see cref="ContinuousTraffic"/>
/// at <see cref="Address"/>, and disrupt it for real — pause, stop (SIGTERM: the server closes its
/// connections), start again on the same port.
/// <code>
/// await using var server = await CtrafficContainer.StartAsync(o => o.HostName = "backend-1");
/// await using var traffic = await ContinuousTraffic.StartAsync(o => o.Address = server.Address);
/// using (traffic.Disruption("pause")) await server.PauseForAsync(TimeSpan.FromMilliseconds(500));
/// </code>
/// </summary>
public sealed class CtrafficContainer : IAsyncDisposable
{
    private const int ServerPort = Wire.DefaultPort;
    private readonly CtrafficContainerOptions _options;

    private CtrafficContainer(CtrafficContainerOptions options, IContainer container, int hostPort)
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
    public string Address => $"127.0.0.1:{HostPort}";

    /// <summary>The host name the server sends.</summary>
    public string HostName => _options.HostName;

    /// <summary>Starts a container and waits until the server answers a handshake.</summary>
    /// <exception cref="CtrafficContainerException">Docker is not reachable, the image is missing, or the server did not answer.</exception>
    public static async Task<CtrafficContainer> StartAsync(Action<CtrafficContainerOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new CtrafficContainerOptions();
        configure?.Invoke(options);
        options.Validate();
        var hostPort = options.HostPort != 0 ? options.HostPort : FreePort();
        var container = new ContainerBuilder(options.Image)
            .WithImagePullPolicy(_ => false)
            .WithHostname(options.HostName)
            .WithPortBinding(hostPort, ServerPort)
            .Build();
        var result = new CtrafficContainer(options, container, hostPort);
        try
        {
            await result.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return result;
    }

    /// <summary>Starts the (stopped) container again, on the same port, and waits for the server.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await Container.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not CtrafficContainerException)
        {
            throw new CtrafficContainerException(
                $"cannot start a container of {_options.Image}: {ex.Message} (is the Docker engine running, and the image built with build/image.sh?)", ex);
        }

        await WaitForHandshakeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the container: the server gets SIGTERM and closes every connection (FIN).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => Container.StopAsync(cancellationToken);

    /// <summary>Freezes every process of the container (the kernel still holds its sockets), for <paramref name="duration"/>.</summary>
    public async Task PauseForAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        await Container.PauseAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await Container.UnpauseAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Removes the container.</summary>
    public ValueTask DisposeAsync() => Container.DisposeAsync();

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

    private static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }
}
