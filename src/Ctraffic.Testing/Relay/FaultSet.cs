using System.Collections.Immutable;
using System.Net.Sockets;
using Ctraffic.Reports;
using Ctraffic.Testing.Faults.Internal;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// The faults on in one relay — a fault proxy's or a load balancer's: one immutable array swapped
/// with <see cref="Interlocked"/> when a fault is switched on or off, read once per chunk by every
/// connection (<see cref="Now"/>; empty, the relay copies straight through). It numbers the
/// relay's connections and UDP sessions (a fraction of connections is drawn from the number),
/// opens each fault's window on the owner's traffic, and holds the front's listener closed while a
/// fault refuses every connection.
/// </summary>
internal sealed class FaultSet
{
    private readonly ulong _seed = (ulong)Random.Shared.NextInt64();
    private readonly Lock _lock = new();
    private readonly CtrafficServer _owner;
    private readonly Func<string, Func<DisruptionContact>?, IDisposable> _beginDisruption;
    private readonly RelayFront _front;
    private ImmutableArray<ActiveFault> _faults = [];
    private long _nextConnection;
    private int _closed;

    /// <param name="owner">The proxy or balancer; names the faults' contacts.</param>
    /// <param name="beginDisruption">The owner's <c>BeginDisruption</c>: opens a fault's window on the traffic.</param>
    /// <param name="front">The owner's front, closed while a fault refuses every connection.</param>
    public FaultSet(CtrafficServer owner, Func<string, Func<DisruptionContact>?, IDisposable> beginDisruption, RelayFront front)
    {
        _owner = owner;
        _beginDisruption = beginDisruption;
        _front = front;
    }

    /// <summary>The name of the relay's owner.</summary>
    public string OwnerName => _owner.Name;

    /// <summary>The faults on now: one array reference, read atomically; a switch made a moment ago shows at the next chunk.</summary>
    public ImmutableArray<ActiveFault> Now() => _faults;

    /// <summary>Numbers a new connection or UDP session.</summary>
    public long NextConnection() => Interlocked.Increment(ref _nextConnection);

    /// <summary>Switches <paramref name="fault"/> on and opens its window (<see cref="Fault.Name"/>) on the traffic.</summary>
    /// <exception cref="ObjectDisposedException">The owner is disposed.</exception>
    public ActiveFault Add(Fault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, _owner);
        var active = new ActiveFault(this, fault, _seed ^ (ulong)NextConnection() * 0xD6E8FEB86659FD93UL);
        active.Begin(_beginDisruption(fault.Name, active.ContactForReport));
        ImmutableInterlocked.Update(ref _faults, static (list, a) => list.Add(a), active);
        HoldFront();
        return active;
    }

    /// <summary>Switches <paramref name="fault"/> on for <paramref name="duration"/> (checked first), then off.</summary>
    public async Task ApplyForAsync(Fault fault, TimeSpan duration, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fault);
        CtrafficServer.CheckDuration(duration, nameof(duration));
        using var active = Add(fault);
        await Task.Delay(duration, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Switches every fault off.</summary>
    public void Clear()
    {
        foreach (var active in _faults)
        {
            active.Dispose();
        }
    }

    /// <summary>Switches every fault off for good: the owner is disposed.</summary>
    public void Close()
    {
        Volatile.Write(ref _closed, 1);
        Clear();
    }

    /// <summary>Called by <see cref="ActiveFault.Dispose"/>.</summary>
    public void Remove(ActiveFault active)
    {
        ImmutableInterlocked.Update(ref _faults, static (list, a) => list.Remove(a), active);
        HoldFront();
    }

    /// <summary>
    /// Numbers an accepted connection in <paramref name="id"/>; if a fault refuses it (on a fraction
    /// of connections), counts it in <paramref name="counters"/> and resets it.
    /// </summary>
    /// <returns>Whether the connection was refused (and is closed).</returns>
    public bool Refuses(Socket client, RelayCounters counters, out long id)
    {
        id = NextConnection();
        var faults = _faults;
        if (faults.IsEmpty || !FaultPlanner.Refuses(faults, id))
        {
            return false;
        }

        Interlocked.Increment(ref counters.Refused);
        SocketClose.Reset(client);
        return true;
    }

    /// <summary>Holds the front's listener closed while a fault refuses every connection (a SYN then gets RST), open otherwise.</summary>
    private void HoldFront()
    {
        lock (_lock)
        {
            var refuseAll = false;
            foreach (var active in _faults)
            {
                refuseAll |= active.Fault.Refuses && active.Fault.ConnectionFraction >= 1;
            }

            _front.Refuse(refuseAll);
        }
    }
}
