using System.Collections.Concurrent;

namespace Ctraffic.Internal;

/// <summary>
/// Round-trip times per server host and second of the packets' send time, for at most
/// <see cref="MaxHosts"/> hosts (a host past them gets none): a window's round trips per host are
/// those of every second it overlaps. About 10 KB per host and second with echoes.
/// </summary>
internal sealed class HostRoundTrips(long ticksPerSecond)
{
    /// <summary>Hosts whose round trips are kept.</summary>
    public const int MaxHosts = 8;

    private readonly Lock _gate = new();
    private readonly string[] _hosts = new string[MaxHosts];
    private readonly ConcurrentDictionary<(int Host, long Second), LogHistogram> _seconds = new();
    private int _count;

    /// <summary>The index of <paramref name="host"/>, given it at first sight; -1 past <see cref="MaxHosts"/> hosts or for no host.</summary>
    public int IndexOf(string host)
    {
        if (host.Length == 0)
        {
            return -1;
        }

        lock (_gate)
        {
            var i = Array.IndexOf(_hosts, host, 0, _count);
            if (i >= 0 || _count == MaxHosts)
            {
                return i;
            }

            _hosts[_count] = host;
            return _count++;
        }
    }

    /// <summary>Records a round trip of <paramref name="micros"/> µs of a packet of host <paramref name="host"/> sent <paramref name="sentTicks"/> after the run start.</summary>
    public void Record(int host, long sentTicks, long micros)
        => _seconds.GetOrAdd((host, sentTicks / ticksPerSecond), static _ => new LogHistogram()).Record(micros);

    /// <summary>The round trips of <paramref name="host"/> sent in the seconds <paramref name="first"/> to <paramref name="last"/> of the run; <see langword="null"/> if its round trips are not kept.</summary>
    public LogHistogram? Merge(string host, long first, long last)
    {
        int index;
        lock (_gate)
        {
            index = Array.IndexOf(_hosts, host, 0, _count);
        }

        if (index < 0)
        {
            return null;
        }

        var merged = new LogHistogram();
        foreach (var (key, h) in _seconds)
        {
            if (key.Host == index && key.Second >= first && key.Second <= last)
            {
                merged.Add(h);
            }
        }

        return merged;
    }
}
