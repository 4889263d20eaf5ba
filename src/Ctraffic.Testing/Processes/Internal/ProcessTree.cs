using System.Globalization;

namespace Ctraffic.Testing.Processes.Internal;

/// <summary>
/// The processes below some roots, read from <c>/proc</c> (Linux): nginx's workers under its
/// master, HAProxy's old and new process. A zombie counts as gone: it serves nothing.
/// </summary>
internal static class ProcessTree
{
    /// <summary>The live processes among <paramref name="roots"/> and all their descendants.</summary>
    public static HashSet<int> Of(IEnumerable<int> roots)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in EnumerateProcesses())
        {
            if (Read(dir) is { Zombie: false } stat)
            {
                if (!children.TryGetValue(stat.ParentId, out var list))
                {
                    children[stat.ParentId] = list = [];
                }

                list.Add(stat.Id);
            }
        }

        var found = new HashSet<int>();
        var todo = new Stack<int>(roots.Where(IsAlive));
        while (todo.TryPop(out var pid))
        {
            if (found.Add(pid) && children.TryGetValue(pid, out var kids))
            {
                kids.ForEach(todo.Push);
            }
        }

        return found;
    }

    /// <summary>Whether <paramref name="pid"/> runs (exists and is no zombie).</summary>
    public static bool IsAlive(int pid) => Read(pid.ToString(CultureInfo.InvariantCulture)) is { Zombie: false };

    /// <summary>Whether <paramref name="pid"/> runs and leads its own process group (the group a server was started in).</summary>
    public static bool IsGroupLeader(int pid) => Read(pid.ToString(CultureInfo.InvariantCulture)) is { Zombie: false } stat && stat.GroupId == pid;

    private static IEnumerable<string> EnumerateProcesses()
    {
        try
        {
            return Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n is { Length: > 0 } && char.IsAsciiDigit(n[0]))!;
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>Parses <c>/proc/PID/stat</c>: <c>pid (comm) state ppid pgrp ...</c>; the command may hold spaces and parentheses, so the fields after the last ')' count.</summary>
    private static Stat? Read(string pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone meanwhile
        }

        var close = text.LastIndexOf(')');
        var fields = close < 0 ? [] : text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 2
            && int.TryParse(pid, CultureInfo.InvariantCulture, out var id)
            && int.TryParse(fields[1], CultureInfo.InvariantCulture, out var parent)
            && int.TryParse(fields[2], CultureInfo.InvariantCulture, out var group)
            ? new Stat(id, parent, group, fields[0] is "Z" or "X")
            : null;
    }

    private sealed record Stat(int Id, int ParentId, int GroupId, bool Zombie);
}
