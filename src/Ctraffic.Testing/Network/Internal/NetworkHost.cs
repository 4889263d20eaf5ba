using System.Collections.Concurrent;
using System.Net;
using Ctraffic.Testing.Internal;

namespace Ctraffic.Testing.Network.Internal;

/// <summary>
/// What the machine offers (root, <c>ip</c>, <c>nft</c>) and the clean-up of what this process
/// made: namespaces and root tables are registered while they live and removed at process exit
/// (a normal exit, SIGTERM, Ctrl+C: <see cref="ExitCleanup"/>); the leftovers of a process that
/// was killed are swept by the next one, once, before it makes its first namespace.
/// </summary>
internal static class NetworkHost
{
    private static readonly Lazy<string?> Unavailable = new(FindUnavailableReason);
    private static readonly ConcurrentDictionary<string, string> Owned = new(StringComparer.Ordinal);
    private static readonly OnceAsync FirstSweep = new(async ct => await SweepAsync(ct).ConfigureAwait(false));
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
        await FirstSweep.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes what owners that are gone left: every namespace, root link and root nftables table
    /// named <c>ctr-N</c> whose claim (<see cref="MachineClaim"/>) nobody holds — taken for the
    /// time of the removal, so that no new owner can take the name meanwhile — and those of older
    /// versions, <c>ctr-PID-N</c>, whose PID is dead. A root link whose other end is in a namespace
    /// this process cannot name (made by a process that sees other files, e.g. another container
    /// on the host's network) is left, and so is a table beside such a link. Returns what it removed.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        var namespaces = await ListNamespacesAsync(cancellationToken).ConfigureAwait(false);
        var links = await ListLinkPeersAsync(cancellationToken).ConfigureAwait(false);
        var tables = await ListTablesAsync(cancellationToken).ConfigureAwait(false);
        var names = namespaces.Concat(links.Keys).Concat(tables.Where(t => t.Family == "ip").Select(t => t.Name))
            .Concat(MachineClaim.List(NetworkNames.Prefix))
            .Where(n => NetworkNames.TryIndex(n, out _)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var name in names)
        {
            using var claim = MachineClaim.TryTake(name, "sweep");
            if (claim is null)
            {
                continue; // its owner lives
            }

            if (namespaces.Contains(name) && await RemoveNamespaceAsync(name, cancellationToken).ConfigureAwait(false))
            {
                removed.Add($"namespace {name}");
            }

            var foreign = false;
            if (links.TryGetValue(name, out var peer) && peer != name)
            {
                foreign = peer is null;
                if (!foreign && await DeleteLinkAsync(name, cancellationToken).ConfigureAwait(false))
                {
                    removed.Add($"link {name}");
                }
            }

            if (!foreign && tables.Contains(("ip", name)))
            {
                await DeleteTableAsync("ip", name, cancellationToken).ConfigureAwait(false);
                removed.Add($"table ip {name}");
            }
        }

        await SweepLegacyAsync(namespaces, links.Keys, tables, removed, cancellationToken).ConfigureAwait(false);
        return removed;
    }

    /// <summary>
    /// Removes namespace <paramref name="name"/> of this machine with its veth pair (deleted from
    /// inside, so only the pair that is in it); whether it was there to remove (another sweep may
    /// have been first).
    /// </summary>
    public static async Task<bool> RemoveNamespaceAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            // The veth pair first, and done when the command returns; the kernel destroys a
            // deleted namespace (and the links in it) later, in the background.
            await NetworkCommand.IpAsync(cancellationToken, "-n", name, "link", "delete", NetworkNamespace.Inside).ConfigureAwait(false);
        }
        catch (NetworkSetupException)
        {
            // No such link in it (never made, or gone).
        }

        try
        {
            await NetworkCommand.IpAsync(cancellationToken, "netns", "delete", name).ConfigureAwait(false);
            return true;
        }
        catch (NetworkSetupException)
        {
            if ((await ListNamespacesAsync(cancellationToken).ConfigureAwait(false)).Contains(name))
            {
                throw;
            }

            return false;
        }
    }

    /// <summary>Deletes root table <paramref name="family"/> <paramref name="name"/> if it is there (one nft transaction: add, then delete).</summary>
    public static Task DeleteTableAsync(string family, string name, CancellationToken cancellationToken)
        => NetworkCommand.NftAsync(null, $"add table {family} {name}\ndelete table {family} {name}\n", false, cancellationToken);

    /// <summary>Registers a namespace (<paramref name="kind"/> <c>netns</c>) or root table (<c>ip</c>, <c>inet</c>) to remove at process exit or on a terminating signal.</summary>
    public static void Own(string name, string kind)
    {
        if (Interlocked.Exchange(ref _exitHook, 1) == 0)
        {
            ExitCleanup.Add(RemoveOwned);
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

    /// <summary>
    /// The links of the root namespace and where their other end is: the name of its namespace
    /// (<c>link-netns NAME</c>), "" if none is shown (not a veth, or both ends here), or
    /// <see langword="null"/> for a namespace this process has no name for (<c>link-netnsid N</c>).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string?>> ListLinkPeersAsync(CancellationToken cancellationToken)
    {
        var text = await NetworkCommand.IpAsync(cancellationToken, "-o", "link", "show").ConfigureAwait(false);
        var links = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var line in Lines(text))
        {
            var parts = line.Split(':', 3);
            if (parts.Length < 3)
            {
                continue;
            }

            var words = parts[2].Split([' ', '\\'], StringSplitOptions.RemoveEmptyEntries);
            var at = Array.IndexOf(words, "link-netns");
            links[parts[1].Trim().Split('@')[0]] = at >= 0 && at + 1 < words.Length ? words[at + 1] : Array.IndexOf(words, "link-netnsid") >= 0 ? null : "";
        }

        return links;
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
        // Tables first: a service's table sends traffic to its namespaces.
        foreach (var (name, kind) in Owned.OrderBy(o => o.Value == "netns"))
        {
            if (kind == "netns")
            {
                NetworkCommand.RunQuietly("ip", "-n", name, "link", "delete", NetworkNamespace.Inside);
                NetworkCommand.RunQuietly("ip", "netns", "delete", name);
            }
            else
            {
                NetworkCommand.RunQuietly("nft", "delete", "table", kind, name);
            }
        }
    }

    /// <summary>Deletes root link <paramref name="name"/>; whether it was there to delete.</summary>
    private static async Task<bool> DeleteLinkAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await NetworkCommand.IpAsync(cancellationToken, "link", "delete", name).ConfigureAwait(false);
            return true;
        }
        catch (NetworkSetupException)
        {
            // Gone with its peer, deleted just before? Otherwise it is a failure.
            if ((await ListLinksAsync(cancellationToken).ConfigureAwait(false)).Contains(name))
            {
                throw;
            }

            return false;
        }
    }

    /// <summary>The names of older versions, <c>ctr-PID-N</c>: removed when their PID is dead.</summary>
    private static async Task SweepLegacyAsync(IReadOnlyList<string> namespaces, IEnumerable<string> links, IReadOnlyList<(string Family, string Name)> tables,
        List<string> removed, CancellationToken cancellationToken)
    {
        static bool Dead(string name) => NetworkNames.TryLegacyOwner(name, out var pid) && !NetworkNames.IsAlive(pid);
        foreach (var name in namespaces.Where(Dead))
        {
            await NetworkCommand.IpAsync(cancellationToken, "netns", "delete", name).ConfigureAwait(false);
            removed.Add($"namespace {name}");
        }

        foreach (var name in links.Where(Dead))
        {
            if (await DeleteLinkAsync(name, cancellationToken).ConfigureAwait(false))
            {
                removed.Add($"link {name}");
            }
        }

        foreach (var (family, name) in tables.Where(t => Dead(t.Name)))
        {
            await DeleteTableAsync(family, name, cancellationToken).ConfigureAwait(false);
            removed.Add($"table {family} {name}");
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
            if (NetworkCommand.Find(tool) is null)
            {
                return $"the '{tool}' command is not installed in {string.Join(", ", NetworkCommand.SystemDirectories)} (package {package})";
            }
        }

        if (!File.Exists("/proc/self/ns/net"))
        {
            return "the kernel has no network namespaces (/proc/self/ns/net is missing)";
        }

        return null;
    }
}
