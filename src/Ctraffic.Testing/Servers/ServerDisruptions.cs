namespace Ctraffic.Testing;

/// <summary>The disruptions a <see cref="CtrafficServer"/> supports.</summary>
[Flags]
public enum ServerDisruptions
{
    /// <summary>None: the test disrupts the system under test itself (an external address).</summary>
    None = 0,

    /// <summary><see cref="CtrafficServer.KillAsync"/>: every connection is reset (RST), as a crash does.</summary>
    Kill = 1,

    /// <summary><see cref="CtrafficServer.StopAsync"/>: every connection is closed (FIN), as a graceful shutdown does.</summary>
    Stop = 2,

    /// <summary><see cref="CtrafficServer.StartAsync"/>: serves again on the same address after a kill or stop.</summary>
    Start = 4,

    /// <summary><see cref="CtrafficServer.PauseAsync"/>: frozen for a while; the connections stay open but nothing is echoed.</summary>
    Pause = 8,
}
