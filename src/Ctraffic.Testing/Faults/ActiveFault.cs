using System.Collections.Concurrent;
using Ctraffic.Reports;
using Ctraffic.Testing.Relay;

namespace Ctraffic.Testing;

/// <summary>
/// A fault switched on in a <see cref="FaultProxy"/> (<see cref="FaultProxy.Add"/>) or a
/// <see cref="LoadBalancer"/> (<see cref="LoadBalancer.Add(Fault)"/>); disposing it switches it off
/// and ends its window on the traffic. Disposing it again does nothing.
/// </summary>
public sealed class ActiveFault : IDisposable
{
    private readonly FaultSet _set;
    private readonly ulong _salt;
    private readonly ConcurrentDictionary<long, byte> _connections = new();
    private long _chunks;
    private long _bytes;
    private IDisposable? _window;

    internal ActiveFault(FaultSet set, Fault fault, ulong salt)
    {
        _set = set;
        Fault = fault;
        Name = fault.Name;
        _salt = salt;
    }

    /// <summary>The fault.</summary>
    public Fault Fault { get; }

    /// <summary>The name of its window on the traffic (<see cref="Testing.Fault.Name"/>).</summary>
    public string Name { get; }

    /// <summary>
    /// What crossed the fault so far: the connections (UDP: client sources) it acted on — refused
    /// ones included —, and the chunks (TCP reads, UDP datagrams) and their bytes. The traffic's
    /// report has it in the fault's <see cref="DisruptionEffect.Contact"/>, so that a fault no traffic
    /// crossed is called out. A fault that refuses every connection closes the listener, so
    /// the kernel refuses them unseen: it counts none, and the report judges by the traffic instead.
    /// </summary>
    public DisruptionContact Contact => new(_set.OwnerName, _connections.Count, Interlocked.Read(ref _chunks), Interlocked.Read(ref _bytes));

    /// <summary>Whether it is on.</summary>
    public bool IsActive => Volatile.Read(ref _window) is not null;

    /// <summary>Switches the fault off: chunks read from now on pass it; chunks it already delayed keep their time.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _window, null) is { } window)
        {
            _set.Remove(this);
            window.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    internal void Begin(IDisposable window) => Volatile.Write(ref _window, window);

    /// <summary>What crossed it, for the traffic's report; <see langword="null"/> for a fault the relay cannot see act (refusing every connection).</summary>
    internal Func<DisruptionContact>? ContactForReport => Fault.Refuses && Fault.ConnectionFraction >= 1 ? null : () => Contact;

    /// <summary>The fault acted on a chunk of <paramref name="bytes"/> bytes (0 for a refused connection) of <paramref name="connection"/>.</summary>
    internal void Touch(long connection, int bytes)
    {
        Interlocked.Increment(ref _chunks);
        Interlocked.Add(ref _bytes, bytes);
        _connections.TryAdd(connection, 0);
    }

    /// <summary>
    /// Whether the fault acts on connection <paramref name="connection"/>: a draw fixed for the pair
    /// (a hash of the connection, the fault and the relay's seed), so each connection is chosen once.
    /// </summary>
    internal bool Selects(long connection)
    {
        if (Fault.ConnectionFraction >= 1)
        {
            return true;
        }

        // SplitMix64 finaliser: a uniform 64-bit value from the pair.
        var z = _salt + ((ulong)connection * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53)) < Fault.ConnectionFraction;
    }
}
