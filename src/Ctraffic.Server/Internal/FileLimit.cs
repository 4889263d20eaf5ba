using System.Runtime.InteropServices;

namespace Ctraffic.Server.Internal;

/// <summary>The process's open-file limit and how many descriptors it has open (Linux).</summary>
internal static partial class FileLimit
{
    private const int RlimitNofile = 7;

    /// <summary>The soft RLIMIT_NOFILE now, or <see langword="null"/> where it cannot be read.</summary>
    public static long? Current()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return GetRLimit(RlimitNofile, out var limit) == 0 ? (long)Math.Min(limit.Current, long.MaxValue) : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Descriptors open in this process now, or 0 where it cannot be counted.</summary>
    public static int OpenNow()
    {
        try
        {
            return Directory.Exists("/proc/self/fd") ? Directory.GetFiles("/proc/self/fd").Length : 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
