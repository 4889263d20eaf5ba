namespace Ctraffic.Testing;

/// <summary>Which bytes a fault acts on, seen from the client.</summary>
[Flags]
public enum FaultDirection
{
    /// <summary>Client to server: the packets the client writes.</summary>
    Upstream = 1,

    /// <summary>Server to client: the echoes (and the server's first reply).</summary>
    Downstream = 2,

    /// <summary>Both ways.</summary>
    Both = Upstream | Downstream,
}
