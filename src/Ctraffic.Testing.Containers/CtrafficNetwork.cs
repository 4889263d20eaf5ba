using System.Net;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Networks;

namespace Ctraffic.Testing.Containers;

/// <summary>
/// A Docker bridge network the test makes for its server containers, with a subnet of its own
/// from 198.19.0.0/16 (half of 198.18.0.0/15, the range set aside for network benchmarks; the
/// other half is left to network namespaces), labelled with its owner and swept once the owner
/// is gone (see docs/containers.md); a create cancelled at any point leaves no network behind. This machine is on the bridge (its gateway), so
/// traffic reaches a container at its own address — no port proxy between the client and the
/// server, and "server down" looks as it does on a real network (refused, or no answer), not as
/// "accepted, then reset".
/// <code>
/// await using var network = await CtrafficNetwork.CreateAsync(ct);
/// await using var server = await CtrafficContainer.StartAsync(o => { o.HostName = "backend-1"; o.Network = network; }, ct);
/// // server.Address is 198.19.x.10:5003
/// </code>
/// </summary>
public sealed class CtrafficNetwork : IAsyncDisposable
{
    private const int FirstHost = 10;
    private static readonly Random Pick = new();
    private readonly INetwork _network;
    private readonly byte _third;
    private int _next = FirstHost - 1;

    private CtrafficNetwork(INetwork network, byte third)
    {
        _network = network;
        _third = third;
    }

    /// <summary>The Docker network's name (<c>ctraffic-</c> and a random part).</summary>
    public string Name => _network.Name;

    /// <summary>The subnet, e.g. <c>198.19.42.0/24</c>.</summary>
    public string Subnet => $"198.19.{_third}.0/24";

    /// <summary>This machine's address on the network (the bridge's), e.g. <c>198.19.42.1</c>.</summary>
    public IPAddress Gateway => new([198, 19, _third, 1]);

    /// <summary>The Testcontainers network, for anything else.</summary>
    public INetwork Network => _network;

    /// <summary>Makes a network with a free /24 of 198.19.0.0/16.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The network.</returns>
    /// <exception cref="CtrafficContainerException">The Docker engine is not reachable, or no subnet was free.</exception>
    public static async Task<CtrafficNetwork> CreateAsync(CancellationToken cancellationToken = default)
    {
        await ContainerOwnership.PrepareAsync(cancellationToken).ConfigureAwait(false);
        Exception? last = null;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var third = (byte)Pick.Next(0, 256);
            var name = $"ctraffic-{Guid.NewGuid():N}"[..21];
            var network = new NetworkBuilder()
                .WithName(name)
                .WithDriver(NetworkDriver.Bridge)
                .WithLabel(ContainerOwnership.Labels)
                .WithCreateParameterModifier(p => p.IPAM = new IPAM
                {
                    Config = [new IPAMConfig { Subnet = $"198.19.{third}.0/24", Gateway = $"198.19.{third}.1" }],
                })
                .Build();
            try
            {
                // Not cancelled half-way: the engine goes on making a network whose request was
                // dropped, after any check could see it. One request, bounded by the client's own
                // time-outs; the cancel is honoured right after it.
                await network.CreateAsync(CancellationToken.None).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                return new CtrafficNetwork(network, third);
            }
            catch (Exception e)
            {
                // Remove it by its name, which is this create's own (random), so nothing of
                // another owner goes with it.
                await RemoveByNameAsync(name).ConfigureAwait(false);
                if (e is OperationCanceledException)
                {
                    throw;
                }

                // Most likely the subnet overlaps a network that is there already: try another.
                last = e;
            }
        }

        throw new CtrafficContainerException($"cannot make a Docker network with a subnet of 198.19.0.0/16: {await ContainerErrors.ExplainAsync(last!, cancellationToken).ConfigureAwait(false)}", last);
    }

    /// <summary>Removes the network (its containers must be removed first).</summary>
    /// <returns>Completes once removed.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _network.DeleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Already gone, or the engine went away: nothing left to release here.
        }
    }

    /// <summary>Removes the network named <paramref name="name"/> if the engine has one.</summary>
    private static async Task RemoveByNameAsync(string name)
    {
        try
        {
            using var docker = ContainerOwnership.Client();
            var filter = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } };
            foreach (var n in await docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }, CancellationToken.None).ConfigureAwait(false))
            {
                if (n.Name == name)
                {
                    await docker.Networks.DeleteNetworkAsync(n.ID, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The engine went away: the sweep of the next process removes it by its labels.
        }
    }

    /// <summary>The next free address for a container: .10, .11, ...</summary>
    internal IPAddress NextAddress()
    {
        var host = Interlocked.Increment(ref _next);
        return host > 254
            ? throw new InvalidOperationException($"the network {Name} has no free address left")
            : new IPAddress([198, 19, _third, (byte)host]);
    }
}
