using System.Net;

namespace Ctraffic.Testing.Network.Internal;

/// <summary>
/// The addresses of test namespaces: a /30 of 198.18.0.0/16 each (half of 198.18.0.0/15, the
/// range RFC 2544 sets aside for benchmarks and never routed on the internet; the other half,
/// 198.19.0.0/16, is left to Docker test networks), the root end <c>.1</c> and the namespace end
/// <c>.2</c> of it; for IPv6 the /64 <c>fd00:c612:0:N::/64</c> of the unique-local fd00::/8,
/// ends <c>::1</c> and <c>::2</c>. Subnet N is claimed on the machine as <c>ctr-N</c>
/// (<see cref="MachineClaim"/>), which is also the name of its namespace, so that no two
/// processes ever hold one subnet or one name.
/// </summary>
internal static class Subnets
{
    /// <summary>/30 subnets in 198.18.0.0/16.</summary>
    public const int Count = 1 << 14;

    /// <summary>The range of every namespace address, as nftables and ip write it.</summary>
    public const string Range = "198.18.0.0/16";

    private const uint Base = 198u << 24 | 18u << 16;

    /// <summary>
    /// Claims a free subnet: one whose name nobody alive holds and whose addresses no link of the
    /// root namespace has (<paramref name="inUse"/>), starting at a random one so that processes
    /// starting together seldom try the same.
    /// </summary>
    /// <param name="inUse">The root namespace's addresses now.</param>
    /// <param name="skip">Subnets not to try (the kernel said their name is taken).</param>
    /// <returns>The index and its claim.</returns>
    /// <exception cref="NetworkSetupException">Every subnet is taken.</exception>
    public static (int Index, MachineClaim Claim) Claim(IEnumerable<IPAddress> inUse, IReadOnlySet<int> skip)
    {
        var used = inUse.Select(IndexOf).Where(i => i >= 0).ToHashSet();
        var start = Random.Shared.Next(Count);
        for (var k = 0; k < Count; k++)
        {
            var i = (start + k) % Count;
            if (!used.Contains(i) && !skip.Contains(i) && MachineClaim.TryTake(NetworkNames.For(i), $"namespace {V4(i, 2)}") is { } claim)
            {
                return (i, claim);
            }
        }

        throw new NetworkSetupException($"no free /30 left in {Range}");
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

    /// <summary>The subnet of <paramref name="address"/>, or -1 if it is not in 198.18.0.0/16.</summary>
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
