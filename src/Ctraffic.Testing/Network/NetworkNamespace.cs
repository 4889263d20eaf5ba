using System.Net;
using Ctraffic.Testing.Network.Internal;

namespace Ctraffic.Testing;

/// <summary>
/// A Linux network namespace the test made, joined to the root namespace by a veth pair:
/// <see cref="HostAddress"/> (<c>198.18.x.1/30</c>) on the root end, named as the namespace,
/// <see cref="Address"/> (<c>198.18.x.2/30</c>) on <c>eth0</c> inside, and IPv6 addresses of
/// fd00::/8 on both. Its subnet and name are claimed on the machine (<c>/run/ctraffic/ctr-N.lock</c>),
/// so no other process, whatever its PID or PID namespace, holds either while it lives.
/// Nothing else is routed: the namespace reaches the root end and nothing beyond, and a guard
/// chain drops (and counts) every packet it sends to an address outside loopback, 198.18.0.0/15
/// and fd00::/8, so that no test packet leaves the machine. An nftables table <c>inet ctraffic</c> inside holds the rules of its
/// <see cref="NetworkFault"/>s (<see cref="PacketLoss"/>, <see cref="Partition"/>,
/// <see cref="RateLimit"/>), which mark their windows on the traffic that watches the namespace.
/// Disposing it deletes the namespace, which takes its veth pair and rules with it; see
/// <see cref="SweepAsync"/> for what a killed process leaves. Needs root, <c>ip</c> and <c>nft</c>
/// (<see cref="UnavailableReason"/>).
/// </summary>
public sealed class NetworkNamespace : DisruptionSource, IAsyncDisposable
{
    /// <summary>The interface inside the namespace.</summary>
    internal const string Inside = "eth0";

    /// <summary>How many subnets in a row a create tries whose name the kernel has already.</summary>
    private const int MaxAttempts = 16;

    private readonly Lock _lock = new();
    private readonly List<NetworkFault> _faults = [];
    private readonly MachineClaim _claim;
    private TimeProvider _timeProvider = TimeProvider.System;
    private int _disposed;
    private bool _made;

    private NetworkNamespace(int subnet, MachineClaim claim)
    {
        Name = NetworkNames.For(subnet);
        _claim = claim;
        HostAddress = Subnets.V4(subnet, 1);
        Address = Subnets.V4(subnet, 2);
        HostIPv6Address = Subnets.V6(subnet, 1);
        IPv6Address = Subnets.V6(subnet, 2);
    }

    /// <summary>
    /// Why namespaces cannot be made on this machine (not Linux, not root, <c>ip</c> or <c>nft</c>
    /// missing), or <see langword="null"/> if they can: a test skips with it.
    /// </summary>
    public static string? UnavailableReason => NetworkHost.UnavailableReason;

    /// <summary>
    /// The clock its faults wait on (<see cref="NetworkFault.ApplyForAsync"/>, from the next one
    /// applied), e.g. a fake clock the test moves on; a namespace server's is its server's
    /// (<see cref="Ctraffic.Server.EchoServerOptions.TimeProvider"/>). The default value is <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider TimeProvider
    {
        get => Volatile.Read(ref _timeProvider);
        set => Volatile.Write(ref _timeProvider, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>The namespace's name, <c>ctr-N</c> with N its subnet (also the name of the root end of its veth pair).</summary>
    public string Name { get; }

    /// <summary>The namespace's IPv4 address (on <c>eth0</c> inside), in 198.18.0.0/16.</summary>
    public IPAddress Address { get; }

    /// <summary>The root namespace's address on the veth pair, in the same /30.</summary>
    public IPAddress HostAddress { get; }

    /// <summary>The namespace's IPv6 address, in fd00::/8.</summary>
    public IPAddress IPv6Address { get; }

    /// <summary>The root namespace's IPv6 address on the veth pair.</summary>
    public IPAddress HostIPv6Address { get; }

    /// <summary>
    /// Makes a namespace with its veth pair and addresses, after sweeping (once per process) what
    /// killed test processes left. Its subnet and name are claimed on the machine first; if the
    /// kernel has the name already (a process that sees other files, e.g. another container on the
    /// host's network, made it), it backs off to another subnet and deletes nothing of the other's.
    /// Cancelled or failed at any point, it leaves nothing behind.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The namespace, its links up.</returns>
    /// <exception cref="NetworkSetupException">Not possible here (see <see cref="UnavailableReason"/>), or an <c>ip</c>/<c>nft</c> command failed.</exception>
    public static async Task<NetworkNamespace> CreateAsync(CancellationToken cancellationToken = default)
    {
        NetworkHost.EnsureAvailable();
        await NetworkHost.SweepFirstAsync(cancellationToken).ConfigureAwait(false);
        var taken = new HashSet<int>();
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (subnet, claim) = Subnets.Claim(await NetworkHost.ListAddressesAsync(cancellationToken).ConfigureAwait(false), taken);
            var ns = new NetworkNamespace(subnet, claim);
            try
            {
                if (await ns.SetUpAsync(cancellationToken).ConfigureAwait(false))
                {
                    return ns;
                }
            }
            catch
            {
                await ns.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            taken.Add(subnet);
            await ns.DisposeAsync().ConfigureAwait(false);
        }

        throw new NetworkSetupException($"the kernel had the name of {MaxAttempts} free subnets in a row already: another owner that this process cannot see uses them");
    }

    /// <summary>
    /// Removes what killed test processes left: every namespace, root link and root nftables table
    /// named <c>ctr-N</c> whose claim on the machine nobody holds (its owner is gone, however it
    /// ended). <see cref="CreateAsync"/> does it once per process by itself.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>What was removed, e.g. <c>namespace ctr-4242</c>.</returns>
    /// <exception cref="NetworkSetupException">Not possible here, or a command failed.</exception>
    public static Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken = default)
    {
        NetworkHost.EnsureAvailable();
        return NetworkHost.SweepAsync(cancellationToken);
    }

    /// <summary>A fault that drops <paramref name="percent"/> % of the packets (nftables <c>numgen random</c>), marked <c>"loss 5%"</c>. Not applied yet.</summary>
    /// <param name="percent">Share of packets dropped, more than 0 and at most 100 (to 0.01).</param>
    /// <param name="direction">Which packets.</param>
    /// <returns>The fault; <see cref="NetworkFault.ApplyAsync"/> puts it on.</returns>
    public NetworkFault PacketLoss(double percent, NetworkDirection direction = NetworkDirection.Both)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        var basisPoints = (int)Math.Round(percent * 100);
        return Add(new NetworkFault(this, $"loss {percent:0.##}%", $"numgen random mod 10000 < {basisPoints}", direction));
    }

    /// <summary>A fault that drops every packet — a partition — marked <c>"partition"</c>. Not applied yet.</summary>
    /// <param name="direction">Which packets; one way only is an asymmetric partition.</param>
    /// <returns>The fault; <see cref="NetworkFault.ApplyAsync"/> puts it on.</returns>
    public NetworkFault Partition(NetworkDirection direction = NetworkDirection.Both)
        => Add(new NetworkFault(this, "partition", "", direction));

    /// <summary>A fault that drops the packets above <paramref name="packetsPerSecond"/> (nftables <c>limit rate over</c>), marked <c>"rate 100/s"</c>. Not applied yet.</summary>
    /// <param name="packetsPerSecond">Packets let through per second, each way that the direction takes; positive.</param>
    /// <param name="direction">Which packets.</param>
    /// <returns>The fault; <see cref="NetworkFault.ApplyAsync"/> puts it on.</returns>
    public NetworkFault RateLimit(int packetsPerSecond, NetworkDirection direction = NetworkDirection.Both)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(packetsPerSecond, 0);
        return Add(new NetworkFault(this, $"rate {packetsPerSecond}/s", $"limit rate over {packetsPerSecond}/second", direction));
    }

    /// <summary>
    /// Runs <paramref name="action"/> on a thread of its own that has joined the namespace with
    /// <c>setns(2)</c>: the sockets it makes live in the namespace (a listening socket keeps it for
    /// every connection it accepts, whatever thread accepts them). The thread goes back to its own
    /// namespace before it ends; no other thread of the process changes namespace.
    /// </summary>
    /// <typeparam name="T">What the action returns.</typeparam>
    /// <param name="action">Makes the sockets, e.g. starts a server.</param>
    /// <returns>What the action returned.</returns>
    /// <exception cref="NetworkSetupException">The namespace cannot be joined.</exception>
    public T Run<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return NamespaceThread.Run(Name, action);
    }

    /// <summary>Removes the namespace with its veth pair and rules. Calling it again does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        NetworkFault[] faults;
        lock (_lock)
        {
            faults = [.. _faults];
        }

        foreach (var fault in faults)
        {
            fault.EndWithNamespace();
        }

        try
        {
            // Only what this claim names, in this process's own /run/netns: the veth pair is
            // deleted from inside the namespace, so a root link of the same name that another
            // owner made (the reason a create backs off) is never touched.
            if (_made && (await NetworkHost.ListNamespacesAsync(CancellationToken.None).ConfigureAwait(false)).Contains(Name))
            {
                await NetworkHost.RemoveNamespaceAsync(Name, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            NetworkHost.Disown(Name);
            _claim.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Address})";

    /// <summary>Adds a route inside the namespace to <paramref name="destination"/> through the root end (for a client address on another link).</summary>
    internal Task AddRouteAsync(IPAddress destination, CancellationToken cancellationToken)
        => NetworkCommand.IpAsync(cancellationToken, "-n", Name, "route", "replace", $"{destination}/32", "via", HostAddress.ToString());

    /// <summary>Makes the namespace; <see langword="false"/> if the kernel has its name already (another owner's), having made nothing.</summary>
    private async Task<bool> SetUpAsync(CancellationToken cancellationToken)
    {
        NetworkHost.Own(Name, "netns");
        _made = true; // from here on (cancelled, failed) the namespace may be there, and is this claim's
        if (!await KernelTakesNameAsync(cancellationToken, "netns", "add", Name).ConfigureAwait(false))
        {
            _made = false; // not made by this create: left to the sweep
            return false;
        }

        // The root end's name is the machine-wide arbiter: the link names of the root namespace
        // are one set for every process on the host's network, whatever files it sees.
        if (!await KernelTakesNameAsync(cancellationToken, "link", "add", Name, "type", "veth", "peer", "name", Inside, "netns", Name).ConfigureAwait(false))
        {
            return false;
        }

        // The name is this claim's now: a service table of that name is a dead owner's leftover.
        await NetworkHost.DeleteTableAsync("ip", Name, cancellationToken).ConfigureAwait(false);
        await NetworkCommand.NftAsync(Name, NetworkFault.TableScript, false, cancellationToken).ConfigureAwait(false);
        await NetworkCommand.IpAsync(cancellationToken, "addr", "add", $"{HostAddress}/30", "dev", Name).ConfigureAwait(false);
        await NetworkCommand.IpAsync(cancellationToken, "addr", "add", $"{HostIPv6Address}/64", "dev", Name, "nodad").ConfigureAwait(false);
        await NetworkCommand.IpAsync(cancellationToken, "link", "set", Name, "up").ConfigureAwait(false);
        await NetworkCommand.IpAsync(cancellationToken, "-n", Name, "addr", "add", $"{Address}/30", "dev", Inside).ConfigureAwait(false);
        await NetworkCommand.IpAsync(cancellationToken, "-n", Name, "addr", "add", $"{IPv6Address}/64", "dev", Inside, "nodad").ConfigureAwait(false);
        await NetworkCommand.IpAsync(cancellationToken, "-n", Name, "link", "set", Inside, "up").ConfigureAwait(false);
        await NetworkCommand.IpAsync(cancellationToken, "-n", Name, "link", "set", "lo", "up").ConfigureAwait(false);
        return true;
    }

    /// <summary>Runs <c>ip ARGS</c> that makes something named; <see langword="false"/> if the kernel has the name already.</summary>
    private static async Task<bool> KernelTakesNameAsync(CancellationToken cancellationToken, params string[] args)
    {
        try
        {
            await NetworkCommand.IpAsync(cancellationToken, args).ConfigureAwait(false);
            return true;
        }
        catch (NetworkSetupException ex) when (ex.Message.Contains("File exists", StringComparison.Ordinal))
        {
            return false;
        }
    }

    private NetworkFault Add(NetworkFault fault)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_lock)
        {
            _faults.Add(fault);
        }

        AddChild(fault); // marks on the traffic attached to the namespace, now and later
        return fault;
    }
}
