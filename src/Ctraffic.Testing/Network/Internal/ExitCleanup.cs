using System.Runtime.InteropServices;

namespace Ctraffic.Testing.Network.Internal;

/// <summary>
/// Clean-up actions that run once when the process ends: a normal exit (<c>ProcessExit</c>), or
/// SIGTERM, SIGINT (Ctrl+C), SIGQUIT or SIGHUP — on which .NET 10 raises no <c>ProcessExit</c>
/// (dotnet/runtime#115494), so they are caught with <see cref="PosixSignalRegistration"/>. The
/// handler does not cancel the signal: once the actions have run the process ends as it would
/// have. SIGKILL cannot be caught; what a killed process leaves is swept by the next one.
/// </summary>
internal static class ExitCleanup
{
    private static readonly Lock Gate = new();
    private static readonly List<Action> Actions = [];
    private static PosixSignalRegistration[]? _signals;
    private static int _ran;

    /// <summary>Runs <paramref name="action"/> at process exit or on a terminating signal (once, whichever comes first).</summary>
    public static void Add(Action action)
    {
        lock (Gate)
        {
            if (_signals is null)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => Run();
                _signals = OperatingSystem.IsWindows()
                    ? []
                    : [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT, PosixSignal.SIGHUP }
                        .Select(s => PosixSignalRegistration.Create(s, _ => Run()))];
            }

            Actions.Add(action);
        }
    }

    private static void Run()
    {
        if (Interlocked.Exchange(ref _ran, 1) != 0)
        {
            return;
        }

        Action[] actions;
        lock (Gate)
        {
            actions = [.. Actions];
        }

        foreach (var action in actions)
        {
            try
            {
                action();
            }
            catch (Exception)
            {
                // Best effort at exit: what is left is swept by the next process.
            }
        }
    }
}
