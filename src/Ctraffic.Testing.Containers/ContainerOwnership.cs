using Ctraffic.Testing.Internal;
using Ctraffic.Testing.Network.Internal;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Configurations;

namespace Ctraffic.Testing.Containers;

/// <summary>
/// Who owns a container or a Docker network, and the sweep of those whose owner is gone. Each is
/// labelled with its owner, this process's machine-wide claim (<c>ctraffic.owner=owner-GUID</c>,
/// a lock file under /run/ctraffic the process holds until it ends however it ends), and with
/// the scope the claim is seen in (<c>ctraffic.scope</c>: the boot and the mount namespace, so
/// that a process that sees other files — another CI container sharing the engine — never takes
/// this one's labels for a dead owner's, nor the other way round). The sweep runs once per
/// process before its first container or network, and at exit (a normal exit, SIGTERM, Ctrl+C)
/// the process removes its own. Ryuk, which does this for Testcontainers where its image can be
/// pulled, is often off; this needs nothing but the engine.
/// </summary>
internal static class ContainerOwnership
{
    /// <summary>The label that names the owner's claim.</summary>
    public const string OwnerLabel = "ctraffic.owner";

    /// <summary>The label that names where the owner's claim is seen.</summary>
    public const string ScopeLabel = "ctraffic.scope";

    private static readonly Lazy<string> ScopeValue = new(FindScope);
    private static readonly OnceAsync FirstSweep = new(async ct => await SweepAsync(ct).ConfigureAwait(false));
    private static int _exitHook;

    /// <summary>This process's owner, the value of <see cref="OwnerLabel"/>: the path of its claim's lock file.</summary>
    public static string Owner => MachineClaim.Process.FilePath;

    /// <summary>The value of <see cref="ScopeLabel"/> here: the boot id and the mount namespace.</summary>
    public static string Scope => ScopeValue.Value;

    /// <summary>The labels of what this process makes; none where there are no claims (not Linux: no flock, no /run).</summary>
    public static IReadOnlyDictionary<string, string> Labels => OperatingSystem.IsLinux()
        ? new Dictionary<string, string> { [OwnerLabel] = Owner, [ScopeLabel] = Scope }
        : new Dictionary<string, string>();

    /// <summary>A Docker client of the engine Testcontainers talks to.</summary>
    public static DockerClient Client() => TestcontainersSettings.OS.DockerEndpointAuthConfig.GetDockerClientBuilder(Guid.Empty).Build();

    /// <summary>Sweeps once per process, and has this process's own removed at exit.</summary>
    public static async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        if (Interlocked.Exchange(ref _exitHook, 1) == 0)
        {
            ExitCleanup.Add(() => RemoveAsync(mine: true, CancellationToken.None).Wait(TimeSpan.FromSeconds(20)));
        }

        await FirstSweep.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the containers and networks of this scope whose owner's claim nobody holds; returns what it removed.</summary>
    public static Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken) => RemoveAsync(mine: false, cancellationToken);

    /// <summary>Removes those of this process (<paramref name="mine"/>) or of dead owners; containers first, then networks, then the dead owners' lock files.</summary>
    private static async Task<IReadOnlyList<string>> RemoveAsync(bool mine, CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        var dead = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool Removable(IDictionary<string, string>? labels)
        {
            if (labels is null || !labels.TryGetValue(OwnerLabel, out var owner) || !labels.TryGetValue(ScopeLabel, out var scope) || scope != Scope)
            {
                return false;
            }

            if (mine)
            {
                return owner == Owner;
            }

            if (!dead.TryGetValue(owner, out var isDead))
            {
                // A claim nobody holds: its owner is gone. Given back at once; its file goes with it.
                dead[owner] = isDead = IsDead(owner);
            }

            return isDead;
        }

        using var docker = Client();
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [OwnerLabel] = true } };
        foreach (var c in await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }, cancellationToken).ConfigureAwait(false))
        {
            if (Removable(c.Labels))
            {
                await IgnoreMissingAsync(() => docker.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true }, cancellationToken)).ConfigureAwait(false);
                removed.Add($"container {c.Names.FirstOrDefault() ?? c.ID}");
            }
        }

        foreach (var n in await docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }, cancellationToken).ConfigureAwait(false))
        {
            if (Removable(n.Labels))
            {
                await IgnoreMissingAsync(() => docker.Networks.DeleteNetworkAsync(n.ID, cancellationToken)).ConfigureAwait(false);
                removed.Add($"network {n.Name}");
            }
        }

        if (!mine)
        {
            // The lock files of owners that are gone and left nothing.
            foreach (var owner in MachineClaim.List("owner-", MachineClaim.Process.Directory))
            {
                MachineClaim.TryTake(owner, "sweep", MachineClaim.Process.Directory)?.Dispose();
            }
        }

        return removed;
    }

    /// <summary>Whether nobody holds the claim whose lock file is <paramref name="owner"/>; one this process cannot open counts as alive.</summary>
    private static bool IsDead(string owner)
    {
        var name = Path.GetFileNameWithoutExtension(owner);
        if (!name.StartsWith("owner-", StringComparison.Ordinal) || Path.GetDirectoryName(owner) is not { } directory)
        {
            return false;
        }

        try
        {
            using var claim = MachineClaim.TryTake(name, "sweep", directory);
            return claim is not null;
        }
        catch (NetworkSetupException)
        {
            return false;
        }
    }

    private static async Task IgnoreMissingAsync(Func<Task> remove)
    {
        try
        {
            await remove().ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Removed meanwhile (by its owner, or another sweep).
        }
    }

    private static string FindScope()
    {
        static string Read(Func<string?> read)
        {
            try
            {
                return read()?.Trim() ?? "?";
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return "?";
            }
        }

        return $"{Read(() => File.ReadAllText("/proc/sys/kernel/random/boot_id"))}/{Read(() => new FileInfo("/proc/self/ns/mnt").LinkTarget)}";
    }
}
