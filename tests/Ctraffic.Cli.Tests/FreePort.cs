using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ctraffic.Cli.Tests;

/// <summary>
/// Ports on 127.0.0.1 for the servers the tests start. Each is below the kernel's ephemeral range
/// and given out once per test process: nothing that binds port 0 (an in-process server of a
/// <c>-local</c> run, another test's listener) can take it, so a client whose server a test killed
/// meets refused connects on it, never another test's server that took the port meanwhile.
/// </summary>
internal static class FreePort
{
    /// <summary>The lowest port given out: above the well-known and common service ports.</summary>
    private const int Lowest = 10000;

    /// <summary>Ports tried for one <see cref="Get"/> before it falls back to one the kernel picks.</summary>
    private const int Tries = 200;

    private static readonly int Highest = EphemeralLow() - 1;
    private static int s_next = Lowest + (Environment.ProcessId * 97 % Math.Max(1, Highest - Lowest));

    /// <summary>A port free for TCP and UDP on 127.0.0.1 now, not given out before by this process.</summary>
    public static int Get()
    {
        if (Highest - Lowest > Tries)
        {
            for (var i = 0; i < Tries; i++)
            {
                var port = Lowest + ((Interlocked.Increment(ref s_next) - Lowest) % (Highest - Lowest + 1));
                if (IsFree(port))
                {
                    return port;
                }
            }
        }

        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port of the kernel's ephemeral range (32768 where it cannot be read).</summary>
    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }
}
