namespace Ctraffic.Testing;

/// <summary>
/// A fault switched on in a <see cref="FaultProxy"/> (<see cref="FaultProxy.Add"/>); disposing it
/// switches it off and ends its window on the traffic. Disposing it again does nothing.
/// </summary>
public sealed class ActiveFault : IDisposable
{
    private readonly FaultProxy _proxy;
    private readonly ulong _salt;
    private IDisposable? _window;

    internal ActiveFault(FaultProxy proxy, Fault fault, ulong salt)
    {
        _proxy = proxy;
        Fault = fault;
        Name = fault.Name;
        _salt = salt;
    }

    /// <summary>The fault.</summary>
    public Fault Fault { get; }

    /// <summary>The name of its window on the traffic (<see cref="Testing.Fault.Name"/>).</summary>
    public string Name { get; }

    /// <summary>Whether it is on.</summary>
    public bool IsActive => Volatile.Read(ref _window) is not null;

    /// <summary>Switches the fault off: chunks read from now on pass it; chunks it already delayed keep their time.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _window, null) is { } window)
        {
            _proxy.Remove(this);
            window.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    internal void Begin(IDisposable window) => Volatile.Write(ref _window, window);

    /// <summary>
    /// Whether the fault acts on connection <paramref name="connection"/>: a draw fixed for the pair
    /// (a hash of the connection, the fault and the proxy's seed), so each connection is chosen once.
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
