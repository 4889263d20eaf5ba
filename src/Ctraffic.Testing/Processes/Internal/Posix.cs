using System.Runtime.InteropServices;

namespace Ctraffic.Testing.Processes.Internal;

/// <summary><c>kill(2)</c>: .NET can only SIGKILL a process (<see cref="System.Diagnostics.Process.Kill()"/>), not signal it or its group.</summary>
internal static partial class Posix
{
    private const int NoSuchProcess = 3; // ESRCH

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/> (a negative one: to that process group).</summary>
    /// <returns>Whether it was sent; <see langword="false"/> if no such process (or group) exists any more.</returns>
    /// <exception cref="InvalidOperationException">Sending failed otherwise (e.g. no permission).</exception>
    public static bool Signal(int pid, UnixSignal signal)
    {
        if (Kill(pid, (int)signal) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == NoSuchProcess
            ? false
            : throw new InvalidOperationException($"kill({pid}, {signal}) failed: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
