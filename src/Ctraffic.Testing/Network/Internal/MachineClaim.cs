using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Ctraffic.Testing.Network.Internal;

/// <summary>
/// A name claimed on this machine, for as long as its owner holds it: the file
/// <c>/run/ctraffic/NAME.lock</c>, locked with <c>flock(2)</c> by the owner. Taking the lock is
/// atomic, so two processes never hold one name; the kernel releases it when the owner's last
/// descriptor closes — on <see cref="Dispose"/>, or when the owner dies however it dies — so a
/// claim that can be taken belongs to nobody alive. That makes the owner check immune to reused
/// PIDs and to PID namespaces (two processes that are both PID 1 still hold different locks).
/// A sweep takes a dead owner's claim before it removes what the name names, and gives it back
/// after. The file says who holds it (PID, start time, what), for people only.
/// </summary>
internal sealed class MachineClaim : IDisposable
{
    /// <summary>Where the lock files are, on the tmpfs every process of the machine sees.</summary>
    public const string DefaultDirectory = "/run/ctraffic";

    /// <summary>How often a take retries when the file it locked was removed under it by its last owner.</summary>
    private const int Retries = 8;

    private static readonly Lazy<MachineClaim> Owner = new(TakeOwner);
    private readonly SafeFileHandle _handle;
    private int _released;

    private MachineClaim(string name, string path, SafeFileHandle handle)
    {
        Name = name;
        FilePath = path;
        _handle = handle;
    }

    /// <summary>
    /// The claim of this process itself, <c>owner-GUID</c>, held until it exits: what it makes
    /// outside the kernel's namespaces (containers, Docker networks) is labelled with it.
    /// </summary>
    public static MachineClaim Process => Owner.Value;

    /// <summary>The name claimed, e.g. <c>ctr-42</c>.</summary>
    public string Name { get; }

    /// <summary>The lock file.</summary>
    public string FilePath { get; }

    /// <summary>Takes <paramref name="name"/> if nobody alive holds it.</summary>
    /// <param name="name">Letters, digits and <c>-</c>.</param>
    /// <param name="what">Says what it is for, in the file.</param>
    /// <param name="directory">Where the lock files are.</param>
    /// <returns>The claim, or <see langword="null"/> if another owner holds it.</returns>
    /// <exception cref="NetworkSetupException">The lock file cannot be made (no permission, no such directory).</exception>
    public static MachineClaim? TryTake(string name, string what, string directory = DefaultDirectory)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ArgumentException($"a claim's name is letters, digits and '-', was '{name}'", nameof(name));
        }

        var path = System.IO.Path.Combine(directory, name + ".lock");
        for (var attempt = 0; attempt < Retries; attempt++)
        {
            SafeFileHandle handle;
            try
            {
                System.IO.Directory.CreateDirectory(directory);
                handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (ex is not DirectoryNotFoundException and not PathTooLongException)
            {
                // .NET takes flock(LOCK_EX | LOCK_NB) itself for FileShare.None: the owner holds it.
                return null;
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or DirectoryNotFoundException)
            {
                throw new NetworkSetupException($"cannot make the lock file {path}: {ex.Message}", ex);
            }

            // Taken explicitly too, in case .NET's own locking is switched off (System.IO.DisableFileLocking).
            if (NativeMethods.Flock((int)handle.DangerousGetHandle(), NativeMethods.LockExclusiveNow) != 0)
            {
                handle.Dispose();
                return null;
            }

            // The last owner removes the file before it lets go of the lock: if it did that after
            // this process opened the file, the lock is on a file nobody else can find. Try again.
            if (IsRemoved(handle))
            {
                handle.Dispose();
                continue;
            }

            var claim = new MachineClaim(name, path, handle);
            claim.Describe(what);
            return claim;
        }

        return null;
    }

    /// <summary>The names with a lock file in <paramref name="directory"/> that start with <paramref name="prefix"/>.</summary>
    public static IReadOnlyList<string> List(string prefix, string directory = DefaultDirectory)
        => System.IO.Directory.Exists(directory)
            ? [.. System.IO.Directory.EnumerateFiles(directory, prefix + "*.lock").Select(f => System.IO.Path.GetFileName(f)[..^".lock".Length])]
            : [];

    /// <summary>Gives the name back: removes the file, then lets go of the lock. Calling it again does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        try
        {
            File.Delete(FilePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left behind unlocked: the next owner of the name takes it over.
        }

        _handle.Dispose();
    }

    /// <summary>The directory of the claim's lock file.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(FilePath)!;

    private static MachineClaim TakeOwner()
    {
        var name = $"owner-{Guid.NewGuid():N}";
        try
        {
            return TryTake(name, "this process") ?? throw new NetworkSetupException($"cannot claim the new random name {name}");
        }
        catch (NetworkSetupException) when (NativeMethods.GetEuid() != 0)
        {
            // Not root (containers need only the engine): a directory of this user's own.
            var own = System.IO.Path.Combine(System.IO.Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"ctraffic-{NativeMethods.GetEuid()}"));
            return TryTake(name, "this process", own) ?? throw new NetworkSetupException($"cannot claim the new random name {name} in {own}");
        }
    }

    private static bool IsRemoved(SafeFileHandle handle)
    {
        if (!System.IO.Directory.Exists("/proc/self/fd"))
        {
            return false; // no procfs (not Linux): the race with a giving-back owner is not checked
        }

        var target = new FileInfo(string.Create(CultureInfo.InvariantCulture, $"/proc/self/fd/{handle.DangerousGetHandle()}")).LinkTarget;
        return target is null || target.EndsWith(" (deleted)", StringComparison.Ordinal);
    }

    private void Describe(string what)
    {
        string start;
        try
        {
            start = File.ReadAllText("/proc/self/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 19 } f ? f[19] : "?";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            start = "?";
        }

        var text = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"pid {Environment.ProcessId}, start {start} (clock ticks after boot), {what}\n"));
        RandomAccess.SetLength(_handle, 0);
        RandomAccess.Write(_handle, text, 0);
    }
}
