using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace Ctraffic.Client;

/// <summary>Ready-made <see cref="ISourceAddressProvider"/>s: from a CIDR, or from a list.</summary>
public static class SourceAddresses
{
    /// <summary>
    /// One address of <paramref name="cidr"/> per connection, taken in turn; an address is not
    /// given to a second live connection while the network has a free one. Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="cidr"/> is null.</exception>
    public static ISourceAddressProvider FromCidr(Cidr cidr)
    {
        ArgumentNullException.ThrowIfNull(cidr);
        return new CidrProvider(cidr);
    }

    /// <summary>Each endpoint once, in order; then none (the run ends "out of source addresses").</summary>
    public static ISourceAddressProvider FromList(IEnumerable<IPEndPoint> endPoints) => new ListProvider(endPoints);

    /// <summary>
    /// Reads a source-address file as the original's <c>-srcfile</c>: one address per line, port
    /// optional (<c>10.0.0.1</c>, <c>10.0.0.1:7000</c>, <c>[1000::1:10.200.200.0]:7000</c>, <c>fd00::1</c>);
    /// blank lines and lines starting with <c>#</c> are skipped.
    /// </summary>
    /// <exception cref="FormatException">A line is not an address; the message gives its number.</exception>
    public static IReadOnlyList<IPEndPoint> ParseFile(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var result = new List<IPEndPoint>();
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (Cidr.TryParseAddress(line, out var bare))
            {
                result.Add(new IPEndPoint(bare, 0));
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']') && Cidr.TryParseAddress(line[1..^1], out var bracketed) && bracketed.AddressFamily == AddressFamily.InterNetworkV6)
            {
                result.Add(new IPEndPoint(bracketed, 0));
                continue;
            }

            if (HostPort.TryParse(line, out var hp, out _) && Cidr.TryParseAddress(hp.Host, out var ip))
            {
                result.Add(new IPEndPoint(ip, hp.Port));
                continue;
            }

            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"line {number}: '{line}' is not an address"));
        }

        return result;
    }

    private sealed class CidrProvider(Cidr cidr) : ISourceAddressProvider
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<IPAddress, int> _inUse = [];
        private BigInteger _next;

        public IPEndPoint? Acquire()
        {
            lock (_gate)
            {
                var count = cidr.HostCount;
                if (count <= 0)
                {
                    return null;
                }

                // The next free address after the last one taken; when none is free, the next one
                // (more connections than addresses share them evenly).
                var anyFree = _inUse.Count < count;
                IPAddress ip;
                do
                {
                    ip = cidr.Host(_next);
                    _next = (_next + 1) % count;
                }
                while (anyFree && _inUse.ContainsKey(ip));

                _inUse[ip] = _inUse.GetValueOrDefault(ip) + 1;
                return new IPEndPoint(ip, 0);
            }
        }

        public void Release(IPEndPoint endPoint)
        {
            lock (_gate)
            {
                if (_inUse.TryGetValue(endPoint.Address, out var n))
                {
                    if (n <= 1)
                    {
                        _inUse.Remove(endPoint.Address);
                    }
                    else
                    {
                        _inUse[endPoint.Address] = n - 1;
                    }
                }
            }
        }
    }

    private sealed class ListProvider(IEnumerable<IPEndPoint> endPoints) : ISourceAddressProvider
    {
        private readonly Queue<IPEndPoint> _queue = new(endPoints);
        private readonly Lock _gate = new();

        public IPEndPoint? Acquire()
        {
            lock (_gate)
            {
                return _queue.TryDequeue(out var ep) ? ep : null;
            }
        }

        public void Release(IPEndPoint endPoint)
        {
        }
    }
}
