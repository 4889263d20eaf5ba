namespace Ctraffic.Testing;

/// <summary>
/// A signal sent to a <see cref="ProcessServer"/> (<see cref="ProcessServer.Signal"/>), with
/// its Linux number. The names are the C names, so that the marks read as the shell's
/// <c>kill -HUP</c> does: <c>"SIGHUP nginx"</c>.
/// </summary>
#pragma warning disable CA1707 // The C names are the ones a reader knows (SIGHUP, SIGUSR2).
#pragma warning disable CA1008 // Signal 0 sends nothing: no member for it.
public enum UnixSignal
{
    /// <summary>Hang-up (1): the reload of nginx, HAProxy's master and most daemons.</summary>
    SIGHUP = 1,

    /// <summary>Interrupt (2), as Ctrl-C.</summary>
    SIGINT = 2,

    /// <summary>Quit (3): nginx's graceful shutdown.</summary>
    SIGQUIT = 3,

    /// <summary>Kill (9): cannot be caught; the process ends at once.</summary>
    SIGKILL = 9,

    /// <summary>User signal 1 (10): HAProxy's soft stop; nginx reopens its logs.</summary>
    SIGUSR1 = 10,

    /// <summary>User signal 2 (12): HAProxy's master reload; nginx's binary upgrade.</summary>
    SIGUSR2 = 12,

    /// <summary>Terminate (15): the polite stop; <c>ctraffic -server</c> closes its connections.</summary>
    SIGTERM = 15,

    /// <summary>Continue (18) after <see cref="SIGSTOP"/>.</summary>
    SIGCONT = 18,

    /// <summary>Stop (19): freezes the process until <see cref="SIGCONT"/>; cannot be caught.</summary>
    SIGSTOP = 19,
}
#pragma warning restore CA1008
#pragma warning restore CA1707
