using System.Globalization;
using System.Text.RegularExpressions;

namespace Ctraffic.Testing.Network.Internal;

/// <summary>
/// Names of everything the tests create in the kernel — namespaces, the root end of their veth
/// pairs, the root nftables table of a service: <c>ctr-N</c>, N the namespace's subnet
/// (<see cref="Subnets"/>), the name its owner claims on the machine (<see cref="MachineClaim"/>)
/// for as long as it lives. At most 9 characters (a link name may have 15). Older versions named
/// them <c>ctr-PID-N</c>; those are still swept when their PID is dead.
/// </summary>
internal static partial class NetworkNames
{
    /// <summary>What every name starts with.</summary>
    public const string Prefix = "ctr-";

    /// <summary>The name of subnet <paramref name="index"/>'s namespace.</summary>
    public static string For(int index) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{index}");

    /// <summary>The subnet in <paramref name="name"/>, if it is one of these names.</summary>
    public static bool TryIndex(string name, out int index)
    {
        var m = NamePattern().Match(name);
        index = -1;
        return m.Success && int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out index) && index < Subnets.Count;
    }

    /// <summary>The PID in <paramref name="name"/>, if it is a name of an older version (<c>ctr-PID-N</c>).</summary>
    public static bool TryLegacyOwner(string name, out int pid)
    {
        var m = LegacyPattern().Match(name);
        pid = 0;
        return m.Success && int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out pid);
    }

    /// <summary>Whether the process <paramref name="pid"/> lives (a reused PID counts as alive: its leftovers wait for the next sweep).</summary>
    public static bool IsAlive(int pid) => pid == Environment.ProcessId || Directory.Exists($"/proc/{pid}");

    [GeneratedRegex(@"^ctr-(\d{1,5})$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^ctr-(\d{1,7})-\d{1,3}$")]
    private static partial Regex LegacyPattern();
}
