using System.Globalization;
using System.Text.RegularExpressions;

namespace Ctraffic.Testing;

/// <summary>
/// Names of everything the tests create in the kernel — namespaces, the root end of their veth
/// pairs, nftables tables: <c>ctr-PID-N</c>, with the PID of the creating process, so that the
/// leftovers of a process that was killed are known by the PID being dead. At most 15 characters
/// (a link name's limit): N runs from 1 to 999 and starts again.
/// </summary>
internal static partial class NetworkNames
{
    /// <summary>What every name starts with.</summary>
    public const string Prefix = "ctr-";

    private static int _next;

    /// <summary>A new name of this process.</summary>
    public static string Next() => string.Create(CultureInfo.InvariantCulture,
        $"{Prefix}{Environment.ProcessId}-{(Interlocked.Increment(ref _next) - 1) % 999 + 1}");

    /// <summary>The PID in <paramref name="name"/>, if it is one of these names.</summary>
    public static bool TryOwner(string name, out int pid)
    {
        var m = NamePattern().Match(name);
        pid = 0;
        return m.Success && int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out pid);
    }

    /// <summary>Whether the process <paramref name="pid"/> lives (a reused PID counts as alive: its leftovers wait for the next sweep).</summary>
    public static bool IsAlive(int pid) => pid == Environment.ProcessId || Directory.Exists($"/proc/{pid}");

    [GeneratedRegex(@"^ctr-(\d{1,7})-\d{1,3}$")]
    private static partial Regex NamePattern();
}
