using System.Runtime.InteropServices;

namespace Ctraffic.Cli;

/// <summary>
/// Gives SIGINT and SIGTERM back their default disposition when the process was started with them
/// ignored — as a shell does for a command it starts in the background (<c>ctraffic ... &amp;</c> in a
/// script ignores SIGINT). The runtime keeps an inherited "ignore" and then never calls our
/// handlers, so a client told to stop would run on; Go's <c>signal.Notify</c> takes the signals
/// back, and so do we. Must run before anything touches the console or the signal handling of the
/// runtime: it reads the disposition once, when it first installs its handler.
/// </summary>
internal static partial class SignalDisposition
{
    private const int Sigint = 2;
    private const int Sigterm = 15;
    private static readonly nint Default = 0;
    private static readonly nint Ignore = 1;

    /// <summary>SIGINT and SIGTERM as ignored become default (then handled by the command).</summary>
    public static void RestoreStopSignals()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        try
        {
            foreach (var signal in (ReadOnlySpan<int>)[Sigint, Sigterm])
            {
                // signal() returns the previous disposition: put an ignore back to default, and
                // anything else (the default, a handler) back as it was.
                var previous = SetSignal(signal, Default);
                if (previous != Ignore && previous != -1)
                {
                    _ = SetSignal(signal, previous);
                }
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SetSignal(int signal, nint handler);
}
