using System.Globalization;

namespace Ctraffic.Testing.Processes.Internal;

/// <summary>
/// Which processes listen on a TCP port, read from <c>/proc</c> (Linux): a reload has taken effect
/// when no old process listens any more — nginx's old workers close their listening sockets when
/// told to shut down gracefully, HAProxy's old process when told to stop softly — so that from then
/// on every new connection goes to the new processes, and the old ones' drain has begun.
/// </summary>
internal static class Listeners
{
    private const string Listen = "0A"; // TCP_LISTEN in /proc/net/tcp

    /// <summary>The processes among <paramref name="pids"/> that hold a listening TCP socket on <paramref name="port"/>.</summary>
    public static List<int> On(int port, IEnumerable<int> pids)
    {
        var inodes = ListeningInodes(port);
        return [.. pids.Where(pid => Holds(pid, inodes))];
    }

    private static HashSet<string> ListeningInodes(int port)
    {
        var inodes = new HashSet<string>();
        var hexPort = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var table in (string[])["/proc/net/tcp", "/proc/net/tcp6"])
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(table);
            }
            catch (IOException)
            {
                continue; // no IPv6
            }

            // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ..."
            foreach (var line in lines.Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 9 && f[3] == Listen && f[1].EndsWith(hexPort, StringComparison.Ordinal))
                {
                    inodes.Add($"socket:[{f[9]}]");
                }
            }
        }

        return inodes;
    }

    private static bool Holds(int pid, HashSet<string> inodes)
    {
        try
        {
            foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
            {
                if (new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target))
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone meanwhile: it listens no more.
        }

        return false;
    }
}
