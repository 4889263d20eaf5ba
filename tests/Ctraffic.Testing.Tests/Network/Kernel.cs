using System.Diagnostics;

namespace Ctraffic.Testing.Tests.Network;

/// <summary>What the kernel holds now, read with <c>ip</c> and <c>nft</c>, for clean-up checks.</summary>
internal static class Kernel
{
    public static string Namespaces() => Run("ip", "netns", "list");

    public static string Links() => Run("ip", "-o", "link", "show");

    public static string Tables() => Run("nft", "list", "tables");

    public static string Rules(string netns) => Run("ip", "netns", "exec", netns, "nft", "list", "table", "inet", "ctraffic");

    public static void Run(string file, string args) => Run(file, args.Split(' '));

    public static string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
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

    /// <summary>The PID of a process that has ended.</summary>
    public static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true"))!;
        p.WaitForExit();
        return p.Id;
    }
}
