namespace Ctraffic.Testing.Faults.Internal;

/// <summary>What becomes of one chunk (a TCP read or a UDP datagram); a later value wins over an earlier one.</summary>
internal enum Verdict
{
    /// <summary>Forwarded, perhaps late or in pieces.</summary>
    Forward,

    /// <summary>Swallowed: not forwarded, the connection kept.</summary>
    Drop,

    /// <summary>The connection is closed with FIN both ways.</summary>
    Close,

    /// <summary>The connection is reset (RST) both ways.</summary>
    Reset,
}
