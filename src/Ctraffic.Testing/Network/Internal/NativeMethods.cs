using System.Runtime.InteropServices;

namespace Ctraffic.Testing.Network.Internal;

/// <summary>The system calls of <c>Network/</c>: <c>setns(2)</c>, <c>geteuid(2)</c> and <c>flock(2)</c>.</summary>
internal static partial class NativeMethods
{
    /// <summary><c>CLONE_NEWNET</c>: the namespace to join is a network namespace.</summary>
    public const int CloneNewNet = 0x40000000;

    /// <summary>Moves the calling thread into the namespace that <paramref name="fd"/> refers to; 0 or -1 (errno).</summary>
    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int nsType);

    /// <summary><c>LOCK_EX | LOCK_NB</c>: an exclusive lock, or EWOULDBLOCK at once if another open file holds one.</summary>
    public const int LockExclusiveNow = 2 | 4;

    /// <summary>Takes or releases an advisory lock on the open file <paramref name="fd"/>; 0 or -1 (errno).</summary>
    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    /// <summary>The effective user id.</summary>
    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEuid();
}
