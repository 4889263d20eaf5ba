using System.Globalization;
using System.Net;
using System.Text;
using Ctraffic.Server;
using Ctraffic.Testing.Network.Internal;

namespace Ctraffic.Testing;

/// <summary>
/// A Kubernetes Service on one machine: a virtual IP (<see cref="VirtualIP"/>, port 5003) in front
/// of ctraffic servers each in its own namespace (<see cref="Endpoints"/>), made the way
/// kube-proxy's nftables mode makes it — a table in the root namespace whose <c>output</c> (for
/// the machine's own connections) and <c>prerouting</c> hooks DNAT the new connections to the
/// virtual IP to <c>numgen inc mod N map { 0 : ip1, 1 : ip2, ... }</c> (or <c>numgen random</c>).
/// Only the first packet of a connection goes through the map; conntrack keeps the choice for
/// the rest. So <see cref="RemoveEndpointAsync"/> does what a Kubernetes fail-over does: new
/// connections go to the other endpoints, and the connections already made keep going to the
/// removed one for as long as it serves.
/// The virtual IP belongs to an empty namespace of its own, so that a connection the map does
/// not take (no endpoints left) is refused there and never leaves the machine.
/// </summary>
public sealed class ClusterIpService : CtrafficServer
{
    private readonly NetworkNamespace _front;
    private readonly string _table;
    private readonly bool _random;
    private readonly NamespaceServer[] _endpoints;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private NamespaceServer[] _active;

    private ClusterIpService(string name, NetworkNamespace front, string table, NamespaceServer[] endpoints, bool random)
        : base(name)
    {
        _front = front;
        _table = table;
        _endpoints = endpoints;
        _active = endpoints;
        _random = random;
        foreach (var endpoint in endpoints)
        {
            AddChild(endpoint); // each endpoint's disruptions and its namespace's faults
        }
    }

    /// <summary>The virtual IP (in 198.18.0.0/16) that the traffic connects to.</summary>
    public IPAddress VirtualIP => _front.Address;

    /// <summary>The port of the virtual IP and of every endpoint.</summary>
    public static int Port => NamespaceServer.DefaultPort;

    /// <inheritdoc/>
    public override string Address => string.Create(CultureInfo.InvariantCulture, $"{VirtualIP}:{Port}");

    /// <summary>Every endpoint made for the service, <c>NAME-1</c>, <c>NAME-2</c>, ... (host names too), in the map or not.</summary>
    public IReadOnlyList<NamespaceServer> Endpoints => _endpoints;

    /// <summary>The endpoints new connections go to now.</summary>
    public IReadOnlyList<NamespaceServer> ActiveEndpoints => Volatile.Read(ref _active);

    /// <summary>The name of its nftables table in the root namespace (<c>ip ctr-N</c>, the name of the virtual IP's namespace).</summary>
    public string TableName => _table;

    /// <summary>The service itself cannot be killed; kill its <see cref="Endpoints"/>.</summary>
    public override ServerDisruptions Supports => ServerDisruptions.None;

    /// <inheritdoc/>
    public override bool IsRunning => _endpoints.Any(e => e.IsRunning);

    /// <summary>
    /// Makes <paramref name="endpoints"/> servers, each in a namespace, and the virtual IP in front of them.
    /// </summary>
    /// <param name="endpoints">How many endpoints; 1 to 100.</param>
    /// <param name="name">Names the service and, with <c>-1</c>, <c>-2</c>, ..., its endpoints (<c>backend-1</c>, ...).</param>
    /// <param name="random"><see langword="true"/> picks endpoints with <c>numgen random</c>; <see langword="false"/> in turn with <c>numgen inc</c>.</param>
    /// <param name="configure">Sets the endpoints' options (UDP, ...), before their host names are set.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The service, its endpoints serving.</returns>
    /// <exception cref="NetworkSetupException">Namespaces are not possible here, or a command failed.</exception>
    public static async Task<ClusterIpService> StartAsync(int endpoints, string name = "backend", bool random = false,
        Action<EchoServerOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(endpoints, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(endpoints, 100);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var made = new List<IAsyncDisposable>();
        try
        {
            var front = await NetworkNamespace.CreateAsync(cancellationToken).ConfigureAwait(false);
            made.Add(front);
            var servers = new NamespaceServer[endpoints];
            for (var i = 0; i < endpoints; i++)
            {
                var host = string.Create(CultureInfo.InvariantCulture, $"{name}-{i + 1}");
                servers[i] = await NamespaceServer.StartAsync(o =>
                {
                    configure?.Invoke(o);
                    o.HostName = host;
                }, host, cancellationToken).ConfigureAwait(false);
                made.Add(servers[i]);

                // The answers go back to the client's address, on the virtual IP's link.
                await servers[i].Namespace.AddRouteAsync(front.HostAddress, cancellationToken).ConfigureAwait(false);
            }

            // The table is named as the virtual IP's namespace, whose claim covers it; it is
            // registered for removal before it is made, so a cancel at any point leaves nothing.
            var service = new ClusterIpService(name, front, front.Name, servers, random);
            NetworkHost.Own(service._table, "ip");
            made.Add(new TableRemoval(service._table));
            await NetworkCommand.NftAsync(null, service.TableScript(), false, cancellationToken).ConfigureAwait(false);
            await NetworkCommand.NftAsync(null, service.MapScript(servers), false, cancellationToken).ConfigureAwait(false);
            return service;
        }
        catch
        {
            // The table first (it sends traffic to the endpoints), then the endpoints, the front last.
            for (var i = made.Count - 1; i >= 0; i--)
            {
                await made[i].DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// Takes <paramref name="endpoint"/> out of the map (one nft transaction), as kube-proxy does
    /// when a pod is no longer ready; marks <c>"remove endpoint NAME"</c>. Its connections stay
    /// (conntrack); new ones go to the others.
    /// </summary>
    /// <param name="endpoint">One of <see cref="Endpoints"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once the map is changed.</returns>
    /// <exception cref="ArgumentException">It is not an endpoint of this service.</exception>
    public Task RemoveEndpointAsync(NamespaceServer endpoint, CancellationToken cancellationToken = default)
        => ChangeAsync(endpoint, false, cancellationToken);

    /// <summary>Puts <paramref name="endpoint"/> back in the map; marks <c>"add endpoint NAME"</c>.</summary>
    /// <param name="endpoint">One of <see cref="Endpoints"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once the map is changed.</returns>
    /// <exception cref="ArgumentException">It is not an endpoint of this service.</exception>
    public Task AddEndpointAsync(NamespaceServer endpoint, CancellationToken cancellationToken = default)
        => ChangeAsync(endpoint, true, cancellationToken);

    /// <inheritdoc/>
    protected override async ValueTask DisposeAsyncCore()
    {
        try
        {
            await NetworkHost.DeleteTableAsync("ip", _table, CancellationToken.None).ConfigureAwait(false);
            NetworkHost.Disown(_table);
        }
        finally
        {
            foreach (var e in _endpoints)
            {
                await e.DisposeAsync().ConfigureAwait(false);
            }

            await _front.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ChangeAsync(NamespaceServer endpoint, bool add, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!_endpoints.Contains(endpoint))
        {
            throw new ArgumentException($"{endpoint.Name} is not an endpoint of {Name}", nameof(endpoint));
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var active = _endpoints.Where(e => e == endpoint ? add : _active.Contains(e)).ToArray();
            await NetworkCommand.NftAsync(null, MapScript(active), false, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _active, active);
            Mark($"{(add ? "add" : "remove")} endpoint {endpoint.Name}");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The table: DNAT of new connections to the virtual IP in <c>prerouting</c> and <c>output</c>,
    /// and a <c>guard</c> in <c>postrouting</c> that drops (and counts) any packet of a connection
    /// made to the virtual IP whose destination, after NAT, is outside loopback and the test ranges:
    /// a service's traffic never leaves the machine, whatever the map says.
    /// </summary>
    private string TableScript()
    {
        var match = $"ip daddr {VirtualIP} meta l4proto {{ tcp, udp }} th dport {Port} jump service";
        return $$"""
            table ip {{_table}} {
              chain prerouting { type nat hook prerouting priority dstnat; policy accept; {{match}}; }
              chain output { type nat hook output priority -100; policy accept; {{match}}; }
              chain service { }
              chain guard { type filter hook postrouting priority filter; policy accept; ct original ip daddr {{VirtualIP}} ip daddr != { 127.0.0.0/8, 198.18.0.0/15 } counter drop; }
            }

            """;
    }

    /// <summary>Replaces the service chain's rule: DNAT over <paramref name="active"/>, or nothing (refused in the virtual IP's namespace) if none.</summary>
    private string MapScript(NamespaceServer[] active)
    {
        var script = new StringBuilder().Append(CultureInfo.InvariantCulture, $"flush chain ip {_table} service\n");
        if (active.FirstOrDefault(e => Subnets.IndexOf(e.Namespace.Address) < 0) is { } outside)
        {
            throw new InvalidOperationException($"{outside.Name} at {outside.Namespace.Address} is outside {Subnets.Range}: a service sends traffic only to the test's own namespaces");
        }

        if (active.Length > 0)
        {
            var map = string.Join(", ", active.Select((e, i) => string.Create(CultureInfo.InvariantCulture, $"{i} : {e.Namespace.Address}")));
            script.Append(CultureInfo.InvariantCulture, $"add rule ip {_table} service dnat to numgen {(_random ? "random" : "inc")} mod {active.Length} map {{ {map} }}\n");
        }

        return script.ToString();
    }

    /// <summary>Deletes the service's root table if it is there: the undo of a start cancelled or failed at any point.</summary>
    private sealed class TableRemoval(string table) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await NetworkHost.DeleteTableAsync("ip", table, CancellationToken.None).ConfigureAwait(false);
            NetworkHost.Disown(table);
        }
    }
}
