using System.Diagnostics;
using Ctraffic.Testing.Network.Internal;

namespace Ctraffic.Testing.Tests.Network;

/// <summary>What the kernel holds now, read with <c>ip</c> and <c>nft</c>, for clean-up checks.</summary>
internal static class Kernel
{
    public static string Namespaces() => Run("ip", "netns", "list");

    public static string Links() => Run("ip", "-o", "link", "show");

    public static string Tables() => Run("nft", "list", "tables");

    public static string Rules(string netns) => Run("ip", "netns", "exec", netns, NetworkCommand.Find("nft")!, "list", "table", "inet", "ctraffic");

    /// <summary>The fault rules of a namespace: its chains <c>in</c> and <c>out</c> (not the guard, which is always there).</summary>
    public static string FaultRules(string netns)
        => Run("ip", "netns", "exec", netns, NetworkCommand.Find("nft")!, "list", "chain", "inet", "ctraffic", "in")
           + Run("ip", "netns", "exec", netns, NetworkCommand.Find("nft")!, "list", "chain", "inet", "ctraffic", "out");

    public static void Run(string file, string args) => Run(file, args.Split(' '));

    public static string Run(string file, params string[] args)
    {
        // By absolute path, as the library runs them: a test may put an 'ip' of its own in the current directory.
        var info = new ProcessStartInfo(NetworkCommand.Find(file) ?? file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            p.Kill();
        }

        return p.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {error}");
    }

    /// <summary>The names <c>ctr-N</c> the kernel has now: namespaces, root links and root tables.</summary>
    public static IReadOnlySet<string> TestNames()
    {
        var words = (Namespaces() + " " + Links() + " " + Tables()).Split([' ', '\n', ':', '@', '\\'], StringSplitOptions.RemoveEmptyEntries);
        return words.Where(w => NetworkNames.TryIndex(w, out _)).ToHashSet();
    }

    /// <summary>The claims (<c>/run/ctraffic/NAME.lock</c>) this process holds now: the lock files its descriptors point to.</summary>
    public static IReadOnlyList<string> ClaimsHeldHere()
        => [.. Directory.EnumerateFileSystemEntries("/proc/self/fd")
            .Select(fd => { try { return new FileInfo(fd).LinkTarget; } catch (IOException) { return null; } })
            .OfType<string>()
            .Where(t => t.StartsWith(MachineClaim.DefaultDirectory + "/", StringComparison.Ordinal) && t.EndsWith(".lock", StringComparison.Ordinal))
            .Select(t => Path.GetFileName(t)[..^".lock".Length])];

    /// <summary>The names of <see cref="TestNames"/> whose claim nobody alive holds: leftovers.</summary>
    public static IReadOnlyList<string> Unclaimed()
    {
        var left = new List<string>();
        foreach (var name in TestNames())
        {
            // Still there while the claim is held: its owner may have removed it and given the claim
            // back since the names were read (another test process of the machine), and nobody can
            // make or remove it meanwhile.
            using var claim = MachineClaim.TryTake(name, "test check");
            if (claim is not null && TestNames().Contains(name))
            {
                left.Add(name);
            }
        }

        return left;
    }

    /// <summary>The PID of a process that has ended.</summary>
    public static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true"))!;
        p.WaitForExit();
        return p.Id;
    }
}
