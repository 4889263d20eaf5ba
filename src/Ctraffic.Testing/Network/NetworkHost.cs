using System.Collections.Concurrent;
using System.Net;

namespace Ctraffic.Testing;

/// <summary>
/// What the machine offers (root, <c>ip</c>, <c>nft</c>) and the clean-up of what this process
/// made: namespaces and root tables are registered while they live and removed at process exit
/// (a normal exit or Ctrl+C); the leftovers of a process that was killed are swept by the next
/// one, once, before it makes its first namespace.
/// </summary>
internal static class NetworkHost
{
    private static readonly Lazy<string?> Unavailable = new(FindUnavailableReason);
    private static readonly ConcurrentDictionary<string, string> Owned = new(StringComparer.Ordinal);
    private static readonly SemaphoreSlim SweepOnce = new(1, 1);
    private static bool _swept;
    private static int _exitHook;

    /// <summary>Why namespaces cannot be made here, or <see langword="null"/> if they can.</summary>
    public static string? UnavailableReason => Unavailable.Value;

    /// <summary>Throws with <see cref="UnavailableReason"/> if namespaces cannot be made here.</summary>
    public static void EnsureAvailable()
    {
        if (UnavailableReason is { } why)
        {
            throw new NetworkSetupException(why);
        }
    }

    /// <summary>Sweeps the leftovers of dead processes the first time it is called in this process.</summary>
    public static async Task SweepFirstAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _swept))
        {
            return;
        }

        await SweepOnce.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_swept)
            {
                await SweepAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _swept, true);
            }
        }
        finally
        {
            SweepOnce.Release();
        }
    }

    /// <summary>
    /// Removes every namespace, root link and root nftables table named <c>ctr-PID-N</c> whose PID
    /// is dead; returns what it removed.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        foreach (var name in await ListNamespacesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (NetworkNames.TryOwner(name, out var pid) && !NetworkNames.IsAlive(pid))
            {
                await NetworkCommand.IpAsync(cancellationToken, "netns", "delete", name).ConfigureAwait(false);
                removed.Add($"namespace {name}");
            }
        }

        foreach (var name in await ListLinksAsync(cancellationToken).ConfigureAwait(false))
        {
            if (NetworkNames.TryOwner(name, out var pid) && !NetworkNames.IsAlive(pid))
            {
                try
                {
                    await NetworkCommand.IpAsync(cancellationToken, "link", "delete", name).ConfigureAwait(false);
                    removed.Add($"link {name}");
                }
                catch (NetworkSetupException)
                {
                    // Gone with its peer, deleted just before? Otherwise it is a failure.
                    if ((await ListLinksAsync(cancellationToken).ConfigureAwait(false)).Contains(name))
                    {
                        throw;
                    }
                }
            }
        }

        foreach (var (family, name) in await ListTablesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (NetworkNames.TryOwner(name, out var pid) && !NetworkNames.IsAlive(pid))
            {
                await NetworkCommand.NftAsync(null, $"delete table {family} {name}\n", false, cancellationToken).ConfigureAwait(false);
                removed.Add($"table {family} {name}");
            }
        }

        return removed;
    }

    /// <summary>Registers a namespace (<paramref name="kind"/> <c>netns</c>) or root table (<c>ip</c>, <c>inet</c>) to remove at process exit.</summary>
    public static void Own(string name, string kind)
    {
        if (Interlocked.Exchange(ref _exitHook, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveOwned();
        }

        Owned[name] = kind;
    }

    /// <summary>Forgets a namespace or table removed by its owner.</summary>
    public static void Disown(string name) => Owned.TryRemove(name, out _);

    /// <summary>The namespaces (names of <c>ip netns list</c>).</summary>
    public static async Task<IReadOnlyList<string>> ListNamespacesAsync(CancellationToken cancellationToken)
    {
        var text = await NetworkCommand.IpAsync(cancellationToken, "netns", "list").ConfigureAwait(false);
        return [.. Lines(text).Select(l => l.Split(' ')[0])];
    }

    /// <summary>The links of the root namespace (<c>ip -o link show</c>), names without <c>@peer</c>.</summary>
    public static async Task<IReadOnlyList<string>> ListLinksAsync(CancellationToken cancellationToken)
    {
        var text = await NetworkCommand.IpAsync(cancellationToken, "-o", "link", "show").ConfigureAwait(false);
        return [.. Lines(text).Select(l => l.Split(':', 3)).Where(p => p.Length >= 2).Select(p => p[1].Trim().Split('@')[0])];
    }

    /// <summary>The nftables tables of the root namespace (<c>nft list tables</c>) as family and name.</summary>
    public static async Task<IReadOnlyList<(string Family, string Name)>> ListTablesAsync(CancellationToken cancellationToken)
    {
        var text = await NetworkCommand.RunAsync("nft", ["list", "tables"], null, cancellationToken).ConfigureAwait(false);
        return [.. Lines(text).Select(l => l.Split(' ')).Where(p => p.Length == 3 && p[0] == "table").Select(p => (p[1], p[2]))];
    }

    /// <summary>The IPv4 addresses of the root namespace.</summary>
    public static async Task<IReadOnlyList<IPAddress>> ListAddressesAsync(CancellationToken cancellationToken)
    {
        var text = await NetworkCommand.IpAsync(cancellationToken, "-o", "-4", "addr", "show").ConfigureAwait(false);
        var list = new List<IPAddress>();
        foreach (var line in Lines(text))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var at = Array.IndexOf(parts, "inet");
            if (at >= 0 && at + 1 < parts.Length && IPAddress.TryParse(parts[at + 1].Split('/')[0], out var ip))
            {
                list.Add(ip);
            }
        }

        return list;
    }

    private static void RemoveOwned()
    {
        foreach (var (name, kind) in Owned)
        {
            if (kind == "netns")
            {
                NetworkCommand.RunQuietly("ip", "link", "delete", name);
                NetworkCommand.RunQuietly("ip", "netns", "delete", name);
            }
            else
            {
                NetworkCommand.RunQuietly("nft", "delete", "table", kind, name);
            }
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? FindUnavailableReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces need Linux";
        }

        var uid = NativeMethods.GetEuid();
        if (uid != 0)
        {
            return $"network namespaces need root (running as uid {uid})";
        }

        foreach (var (tool, package) in new[] { ("ip", "iproute2"), ("nft", "nftables") })
        {
            if (!OnPath(tool))
            {
                return $"the '{tool}' command is not installed (package {package})";
            }
        }

        if (!File.Exists("/proc/self/ns/net"))
        {
            return "the kernel has no network namespaces (/proc/self/ns/net is missing)";
        }

        return null;
    }

    private static bool OnPath(string tool)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "") + ":/usr/sbin:/sbin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Any(dir => File.Exists(Path.Combine(dir, tool)));
    }
}
