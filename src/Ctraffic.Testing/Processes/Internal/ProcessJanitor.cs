using System.Collections.Concurrent;
using System.Globalization;

namespace Ctraffic.Testing.Processes.Internal;

/// <summary>
/// Makes sure no server process outlives its test. Each server runs in a process group of its
/// own (started under <c>setsid</c>) and has a directory under <see cref="Root"/> named after the
/// test process (<c>OWNERPID-N-NAME</c>) with the groups it started in <c>groups</c>. Disposing the
/// server kills its groups; if the test process ends without disposing (a crash, a cancelled run),
/// its exit handler kills them; if it was killed outright, the next test process to start a server
/// finds the directory of a dead owner and kills what is listed there — only a group whose leader
/// still carries <see cref="Variable"/> with that directory in its environment (else the PID was reused).
/// </summary>
internal static class ProcessJanitor
{
    private static readonly ConcurrentDictionary<int, byte> LiveGroups = new();
    private static int _next;
    private static int _swept;

    /// <summary>The environment variable every server process gets: its directory, by which a sweep knows it.</summary>
    public const string Variable = "CTRAFFIC_PROCESS_DIR";

    /// <summary>Where the servers' directories are: <c>/tmp/ctraffic-processes</c>.</summary>
    public static string Root { get; } = Path.Combine(Path.GetTempPath(), "ctraffic-processes");

    /// <summary>Creates the directory of a new server (after sweeping those of dead owners, once per process).</summary>
    public static string CreateDirectory(string name)
    {
        if (Interlocked.Exchange(ref _swept, 1) == 0)
        {
            Sweep();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        }

        var safe = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
        var dir = Path.Combine(Root, string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}-{Interlocked.Increment(ref _next)}-{safe}"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Records that <paramref name="pid"/> leads a group of the server in <paramref name="dir"/>.</summary>
    public static void Started(string dir, int pid)
    {
        LiveGroups[pid] = 0;
        File.AppendAllText(Path.Combine(dir, "groups"), pid.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    /// <summary>
    /// Kills the group <paramref name="pid"/> started (also when its leader has exited and workers
    /// remain: the group lives on while one member does) and forgets it. Called by the server
    /// that started it, which still holds the process: the PID cannot have been reused as
    /// another group's while a member of this one runs.
    /// </summary>
    public static void KillGroup(int pid)
    {
        LiveGroups.TryRemove(pid, out _);
        Posix.Signal(-pid, UnixSignal.SIGKILL);
    }

    /// <summary>Forgets the group <paramref name="pid"/> started, which has ended by itself (an old process after a reload).</summary>
    public static void Forget(int pid) => LiveGroups.TryRemove(pid, out _);

    /// <summary>Deletes the directory of a disposed server.</summary>
    public static void Delete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still open (a worker's log): the next sweep takes it, the owner being dead by then.
        }
    }

    /// <summary>The live processes that carry <see cref="Variable"/> = <paramref name="dir"/>: every process of that server, also one that left its group.</summary>
    public static List<int> Carrying(string dir)
    {
        var found = new List<int>();
        foreach (var name in Directory.EnumerateDirectories("/proc").Select(Path.GetFileName))
        {
            if (int.TryParse(name, CultureInfo.InvariantCulture, out var pid) && pid != Environment.ProcessId && Carries(pid, dir) && ProcessTree.IsAlive(pid))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    private static bool Carries(int pid, string dir)
    {
        var mark = $"{Variable}={dir}\0";
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Contains(mark, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void KillAll()
    {
        foreach (var pid in LiveGroups.Keys)
        {
            try
            {
                KillGroup(pid);
            }
            catch (InvalidOperationException)
            {
                // Exiting: nothing left to do about a group we may not signal.
            }
        }
    }

    /// <summary>Kills the servers of test processes that are gone and deletes their directories (run once by <see cref="CreateDirectory"/>).</summary>
    internal static void Sweep()
    {
        if (!Directory.Exists(Root))
        {
            return;
        }

        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            var owner = Path.GetFileName(dir).Split('-')[0];
            if (!int.TryParse(owner, CultureInfo.InvariantCulture, out var ownerPid) || ProcessTree.IsAlive(ownerPid))
            {
                continue;
            }

            try
            {
                var groups = Path.Combine(dir, "groups");
                foreach (var line in File.Exists(groups) ? File.ReadAllLines(groups) : [])
                {
                    if (int.TryParse(line, CultureInfo.InvariantCulture, out var pid) && ProcessTree.IsGroupLeader(pid) && Carries(pid, dir))
                    {
                        Posix.Signal(-pid, UnixSignal.SIGKILL);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                continue; // another user's, or being swept by another process
            }

            Delete(dir);
        }
    }
}
