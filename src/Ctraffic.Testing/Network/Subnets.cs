using System.Net;

namespace Ctraffic.Testing;

/// <summary>
/// The addresses of test namespaces: a /30 of 198.18.0.0/15 each (the range RFC 2544 sets aside
/// for benchmarks, never routed on the internet), the root end <c>.1</c> and the namespace end
/// <c>.2</c> of it; for IPv6 the /64 <c>fd00:c612:0:N::/64</c> of the unique-local fd00::/8, ends
/// <c>::1</c> and <c>::2</c>. Each process starts looking at its own block of 32 subnets (by PID),
/// and skips those some link of the root namespace holds already.
/// </summary>
internal static class Subnets
{
    /// <summary>/30 subnets in 198.18.0.0/15.</summary>
    public const int Count = 1 << 15;

    private const int BlockSize = 32;
    private const uint Base = 198u << 24 | 18u << 16;
    private static readonly HashSet<int> Taken = [];

    /// <summary>Takes a free subnet, given the addresses the root namespace has now.</summary>
    public static int Take(IEnumerable<IPAddress> inUse)
    {
        var used = inUse.Select(IndexOf).Where(i => i >= 0).ToHashSet();
        lock (Taken)
        {
            var start = Environment.ProcessId % (Count / BlockSize) * BlockSize;
            for (var k = 0; k < Count; k++)
            {
                var i = (start + k) % Count;
                if (!used.Contains(i) && Taken.Add(i))
                {
                    return i;
                }
            }
        }

        throw new NetworkSetupException("no free /30 left in 198.18.0.0/15");
    }

    /// <summary>Gives back a subnet taken with <see cref="Take"/>.</summary>
    public static void Release(int index)
    {
        lock (Taken)
        {
            Taken.Remove(index);
        }
    }

    /// <summary>Address <paramref name="host"/> (1 or 2) of subnet <paramref name="index"/>.</summary>
    public static IPAddress V4(int index, int host)
    {
        var a = Base + (uint)index * 4 + (uint)host;
        return new IPAddress([(byte)(a >> 24), (byte)(a >> 16), (byte)(a >> 8), (byte)a]);
    }

    /// <summary>IPv6 address <paramref name="host"/> (1 or 2) of subnet <paramref name="index"/>.</summary>
    public static IPAddress V6(int index, int host)
        => IPAddress.Parse($"fd00:c612:0:{index:x}::{host}");

    /// <summary>The subnet of <paramref name="address"/>, or -1 if it is not in 198.18.0.0/15.</summary>
    public static int IndexOf(IPAddress address)
    {
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return -1;
        }

        var b = address.GetAddressBytes();
        var a = (uint)b[0] << 24 | (uint)b[1] << 16 | (uint)b[2] << 8 | b[3];
        return a - Base < Count * 4u ? (int)((a - Base) / 4) : -1;
    }
}
