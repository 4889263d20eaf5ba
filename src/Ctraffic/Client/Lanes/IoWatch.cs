namespace Ctraffic.Client.Lanes;

/// <summary>
/// The read time-out of a lane's packet in flight, without a timer per packet: the lane arms a
/// deadline, and the run's heartbeat (every 100 ms) cancels the lane's I/O once it has passed.
/// The token source is made once per connection, and again only after a time-out (UDP goes on
/// after a lost datagram).
/// </summary>
internal sealed class IoWatch : IDisposable
{
    private long _deadline;
    private volatile bool _timedOut;
    private volatile CancellationTokenSource? _source;

    /// <summary>The token of the lane's I/O; valid between <see cref="Open"/> and <see cref="Close"/>.</summary>
    public CancellationToken Token => _source!.Token;

    /// <summary>Whether the heartbeat cancelled the I/O because its deadline passed.</summary>
    public bool TimedOut => _timedOut;

    /// <summary>Starts watching a new connection.</summary>
    public void Open()
    {
        _timedOut = false;
        _source = new CancellationTokenSource();
    }

    /// <summary>Sets the deadline of the I/O in flight (a timestamp).</summary>
    public void Arm(long deadline) => Volatile.Write(ref _deadline, deadline);

    /// <summary>No I/O in flight: nothing to time out.</summary>
    public void Disarm() => Volatile.Write(ref _deadline, 0);

    /// <summary>Replaces the cancelled token source after a time-out; the deadline must be disarmed or still ahead first.</summary>
    public void Renew()
    {
        var old = _source;
        _source = new CancellationTokenSource();
        _timedOut = false;
        old?.Dispose();
    }

    /// <summary>Stops watching: the connection has ended.</summary>
    public void Close()
    {
        Disarm();
        var source = _source;
        _source = null;
        source?.Dispose();
    }

    /// <summary>Stops watching (see <see cref="Close"/>).</summary>
    public void Dispose() => Close();

    /// <summary>The heartbeat: cancels the I/O if its deadline is before <paramref name="now"/>.</summary>
    public void Check(long now)
    {
        var deadline = Volatile.Read(ref _deadline);
        if (deadline != 0 && now > deadline && !_timedOut)
        {
            _timedOut = true;
            try
            {
                _source?.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
