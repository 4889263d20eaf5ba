using System.Net;

namespace Ctraffic.Testing.Containers;

/// <summary>Options of a <see cref="CtrafficContainer"/>. Every property has a documented default.</summary>
public sealed class CtrafficContainerOptions
{
    /// <summary>
    /// The ctraffic server image. The default value is <c>ctraffic:local</c>, built on this
    /// machine by <c>build/image.sh</c> (no registry needed); a published image name works too.
    /// </summary>
    public string Image { get; set; } = "ctraffic:local";

    /// <summary>The container's host name, which the server sends in its handshake. The default value is <c>ctraffic</c>.</summary>
    public string HostName { get; set; } = "ctraffic";

    /// <summary>
    /// The port on <see cref="PublishAddress"/> the server is reached on; 0 picks a free one when the container is
    /// made. It stays the same when the container is stopped and started again. The default value is 0.
    /// </summary>
    public int HostPort { get; set; }

    /// <summary>
    /// The address of this machine that <see cref="HostPort"/> is published on, for a container
    /// without a <see cref="Network"/>. The default value is <see cref="IPAddress.Loopback"/>
    /// (127.0.0.1), and then the port is published on [::1] too where the machine has IPv6
    /// loopback: the server is reachable from this machine only. <see cref="IPAddress.Any"/>
    /// publishes it on every interface, reachable from the whole network — only if asked.
    /// </summary>
    public IPAddress PublishAddress { get; set; } = IPAddress.Loopback;

    /// <summary>
    /// The network the container joins, reached at its own address (no port proxy); <see langword="null"/>
    /// reaches it through a port on 127.0.0.1 (<see cref="HostPort"/>). The default value is <see langword="null"/>.
    /// </summary>
    public CtrafficNetwork? Network { get; set; }

    /// <summary>How long to wait for the server to answer a handshake after a start. The default value is 30 seconds.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The clock that times the disruptions with a length (<see cref="CtrafficServer.PauseAsync"/>,
    /// <see cref="CtrafficContainer.DisconnectForAsync"/>). The default value is <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Image, nameof(Image));
        ArgumentException.ThrowIfNullOrWhiteSpace(HostName, nameof(HostName));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentNullException.ThrowIfNull(PublishAddress, nameof(PublishAddress));
        if (Network is not null && HostPort != 0)
        {
            throw new ArgumentException($"{nameof(HostPort)} is for a container without a {nameof(Network)}: on a network it is reached at its own address", nameof(HostPort));
        }

        if (HostPort is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(HostPort), $"{nameof(HostPort)} must be 0 to 65535, was {HostPort}.");
        }

        if (StartTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StartTimeout), $"{nameof(StartTimeout)} must be positive, was {StartTimeout}.");
        }
    }

    internal CtrafficContainerOptions Clone() => (CtrafficContainerOptions)MemberwiseClone();
}
