using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Ctraffic.Reports;
using Ctraffic.Testing.Network.Internal;

namespace Ctraffic.Testing;

/// <summary>
/// An nftables rule in a <see cref="NetworkNamespace"/> that drops packets on its <c>eth0</c>:
/// a share of them (<see cref="NetworkNamespace.PacketLoss"/>), all (<see cref="NetworkNamespace.Partition"/>)
/// or those above a rate (<see cref="NetworkNamespace.RateLimit"/>), one way or both. The kernel
/// drops real packets, so TCP retransmits them and the traffic sees retransmits and round-trip
/// spikes, not errors. <see cref="ApplyAsync"/> puts it on and opens the disruption
/// <see cref="Name"/> (<c>"loss 5%"</c>, <c>"partition"</c>, <c>"rate 100/s"</c>, with
/// <c>" to server"</c> or <c>" from server"</c> for one way); <see cref="RemoveAsync"/> takes it off
/// and ends it; <see cref="ApplyForAsync"/> does both around a wait.
/// <code>
/// await using var server = await NamespaceServer.StartAsync(ct: ct);
/// await server.Namespace.Partition().ApplyForAsync(TimeSpan.FromSeconds(2), ct);   // marks "partition"
/// </code>
/// </summary>
public sealed partial class NetworkFault : DisruptionSource, IAsyncDisposable
{
    /// <summary>
    /// The table and chains every namespace gets: <c>in</c> and <c>out</c> for the faults, empty
    /// (policy accept), and <c>guard</c>, which drops and counts every packet the namespace sends
    /// to an address outside loopback and the test ranges (198.18.0.0/15, fd00::/8; fe80::/10 and
    /// ff02::/16 stay on the link), so that no test packet can be routed off the machine.
    /// </summary>
    internal const string TableScript = """
        table inet ctraffic {
          chain in { type filter hook input priority filter; policy accept; }
          chain out { type filter hook output priority filter; policy accept; }
          chain guard {
            type filter hook output priority filter - 10; policy accept;
            ip daddr != { 127.0.0.0/8, 198.18.0.0/15 } counter drop comment "outside the test ranges"
            ip6 daddr != { ::1, fd00::/8, fe80::/10, ff02::/16 } counter drop comment "outside the test ranges"
          }
        }

        """;

    private readonly NetworkNamespace _namespace;
    private readonly string _condition;
    private readonly NetworkDirection _direction;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Chain, int Handle)[] _rules = [];
    private IDisposable? _span;
    private DisruptionContact? _contact;

    internal NetworkFault(NetworkNamespace ns, string what, string condition, NetworkDirection direction)
    {
        if (!Enum.IsDefined(direction))
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, $"direction: {direction} is not a {nameof(NetworkDirection)} (Both, ToServer or FromServer)");
        }

        _namespace = ns;
        _condition = condition;
        _direction = direction;
        Name = direction switch
        {
            NetworkDirection.ToServer => what + " to server",
            NetworkDirection.FromServer => what + " from server",
            _ => what,
        };
    }

    /// <summary>The disruption this fault marks, e.g. <c>"loss 5%"</c>.</summary>
    public string Name { get; }

    /// <summary>Which packets it acts on.</summary>
    public NetworkDirection Direction => _direction;

    /// <summary>Whether its rules are in the namespace now.</summary>
    public bool IsApplied => Volatile.Read(ref _span) is not null;

    /// <summary>
    /// The nftables rules it adds, two a direction: one that counts the TCP and UDP packets crossing
    /// <c>eth0</c> (<c>add rule inet ctraffic in iifname "eth0" meta l4proto { tcp, udp } counter</c>),
    /// whose count the disruption's <see cref="DisruptionContact"/> gives once the fault is removed,
    /// and the fault itself (<c>add rule inet ctraffic in iifname "eth0" drop</c>).
    /// </summary>
    public IReadOnlyList<string> Rules => [.. Chains().SelectMany(c => new[]
    {
        $"add rule inet ctraffic {c} {Match(c)} meta l4proto {{ tcp, udp }} counter",
        $"add rule inet ctraffic {c} {Match(c)} {(_condition.Length == 0 ? "" : _condition + " ")}drop",
    })];

    /// <summary>
    /// What crossed the fault while it was on: the TCP and UDP packets on <c>eth0</c> in its
    /// directions (its counter rules, read as it is removed; the namespace's own neighbour
    /// discovery and the like are not counted); <see langword="null"/> before that.
    /// <see cref="DisruptionContact.Connections"/> is 0: the kernel counts packets, not connections.
    /// </summary>
    public DisruptionContact? Contact => Volatile.Read(ref _contact);

    /// <summary>Puts the rules on (one nft transaction) and opens the disruption <see cref="Name"/>.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>This fault, applied.</returns>
    /// <exception cref="InvalidOperationException">It is applied already.</exception>
    /// <exception cref="NetworkSetupException">nft failed.</exception>
    public async Task<NetworkFault> ApplyAsync(CancellationToken cancellationToken = default)
    {
        await ApplyCoreAsync(null, cancellationToken).ConfigureAwait(false);
        return this;
    }

    /// <summary>
    /// Puts the rules on; with <paramref name="duration"/>, starts its wait on the namespace's clock
    /// before the fault shows as applied, so one who sees it applied and moves a fake clock on finds
    /// the timer already there.
    /// </summary>
    /// <returns>The wait, or a completed task without <paramref name="duration"/>.</returns>
    private async Task<Task> ApplyCoreAsync(TimeSpan? duration, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_span is not null)
            {
                throw new InvalidOperationException($"'{Name}' is applied already");
            }

            var script = new StringBuilder();
            foreach (var rule in Rules)
            {
                script.Append(rule).Append('\n');
            }

            var echoed = await NetworkCommand.NftAsync(_namespace.Name, script.ToString(), true, cancellationToken).ConfigureAwait(false);
            var handles = HandlePattern().Matches(echoed).Select(m => int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture)).ToArray();
            var chains = Chains().SelectMany(c => new[] { c, c }).ToArray();
            if (handles.Length != chains.Length)
            {
                throw new NetworkSetupException($"nft did not echo the handles of the rules of '{Name}': {echoed.Trim()}");
            }

            _rules = [.. chains.Zip(handles)];
            Volatile.Write(ref _contact, null);
            var wait = duration is { } d ? Task.Delay(d, _namespace.TimeProvider, cancellationToken) : Task.CompletedTask;
            Volatile.Write(ref _span, BeginDisruption(Name, () => Contact ?? throw new InvalidOperationException($"'{Name}' counts what crossed it when it is removed")));
            return wait;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Takes the rules off and ends the disruption. Does nothing if not applied.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once the rules are gone.</returns>
    /// <exception cref="NetworkSetupException">nft failed.</exception>
    public async Task RemoveAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_span is null)
            {
                return;
            }

            // The fault off and its counters read in one nft batch (the list shows them as the batch
            // begins); the counters go once the disruption has ended.
            var listed = await NetworkCommand.NftListAsync(_namespace.Name, Deletes(_rules.Where((_, i) => i % 2 == 1)) + "list table inet ctraffic\n", cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _contact, Count(listed));
            Interlocked.Exchange(ref _span, null)?.Dispose();
            var counters = _rules.Where((_, i) => i % 2 == 0).ToArray();
            _rules = counters;
            await NetworkCommand.NftAsync(_namespace.Name, Deletes(counters), false, cancellationToken).ConfigureAwait(false);
            _rules = [];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Applies the fault, waits <paramref name="duration"/> on the namespace's clock
    /// (<see cref="NetworkNamespace.TimeProvider"/>) and removes it (also when cancelled).
    /// </summary>
    /// <param name="duration">How long; more than 0, at most <see cref="CtrafficServer.MaxDuration"/> (checked before the fault is applied).</param>
    /// <param name="cancellationToken">Ends the wait early; the fault is removed all the same.</param>
    /// <returns>Completes once the fault is off again.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is out of range.</exception>
    public async Task ApplyForAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        CtrafficServer.CheckDuration(duration, nameof(duration));
        var wait = await ApplyCoreAsync(duration, cancellationToken).ConfigureAwait(false);
        try
        {
            await wait.ConfigureAwait(false);
        }
        finally
        {
            await RemoveAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Removes the fault if it is applied.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await RemoveAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NetworkSetupException)
        {
            if ((await NetworkHost.ListNamespacesAsync(CancellationToken.None).ConfigureAwait(false)).Contains(_namespace.Name))
            {
                throw;
            }

            // The namespace is gone, and its rules with it.
            EndWithNamespace();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} in {_namespace.Name}";

    /// <summary>The namespace is being deleted, and the rules with it: ends the disruption.</summary>
    internal void EndWithNamespace()
    {
        _rules = [];
        Interlocked.Exchange(ref _span, null)?.Dispose();
    }

    private static string Deletes(IEnumerable<(string Chain, int Handle)> rules)
        => string.Concat(rules.Select(r => string.Create(CultureInfo.InvariantCulture, $"delete rule inet ctraffic {r.Chain} handle {r.Handle}\n")));

    /// <summary>What crossed the fault: the sum of its counters in <paramref name="listed"/> (a counter rule's line reads <c>… counter packets P bytes B # handle H</c>).</summary>
    private DisruptionContact Count(string listed)
    {
        var (packets, bytes) = (0L, 0L);
        foreach (Match m in CounterPattern().Matches(listed))
        {
            var handle = int.Parse(m.Groups[3].ValueSpan, CultureInfo.InvariantCulture);
            if (_rules.Any(r => r.Handle == handle))
            {
                packets += long.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
                bytes += long.Parse(m.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
            }
        }

        return new DisruptionContact($"nftables in {_namespace.Name}", 0, packets, bytes);
    }

    private IEnumerable<string> Chains() => _direction switch
    {
        NetworkDirection.ToServer => ["in"],
        NetworkDirection.FromServer => ["out"],
        _ => ["in", "out"],
    };

    private static string Match(string chain) => chain == "in" ? $"iifname \"{NetworkNamespace.Inside}\"" : $"oifname \"{NetworkNamespace.Inside}\"";

    [GeneratedRegex(@"# handle (\d+)")]
    private static partial Regex HandlePattern();

    [GeneratedRegex(@"counter packets (\d+) bytes (\d+) # handle (\d+)")]
    private static partial Regex CounterPattern();
}
