namespace Ctraffic.Statistics;

/// <summary>
/// How a connection slot ended. A lost connection (<see cref="ConnectionStats.Failed"/>) ended with
/// <see cref="PeerClosed"/>, <see cref="Reset"/>, <see cref="ReadTimeout"/>, <see cref="Unreachable"/> or
/// <see cref="Other"/>; a slot that never connected ended with the kind of its last connect attempt
/// (<see cref="ConnectRefused"/>, <see cref="ConnectTimeout"/>, <see cref="Unreachable"/>).
/// </summary>
/// <remarks>
/// ctraffic counts a connection the peer closes (a FIN) as lost, as the original does: the client
/// never closes first, so a FIN means the server or a proxy on the way ended the connection, and
/// its traffic stopped. A graceful reload, a drain or an idle time-out closes with a FIN; a crash,
/// a kill or a full backlog resets (RST). A proxy in between often turns a backend's RST into a
/// FIN towards the client (nginx <c>stream</c> and HAProxy both do), so a backend killed behind a
/// proxy shows as <see cref="PeerClosed"/>, not <see cref="Reset"/>.
/// </remarks>
public enum ConnectionEndKind
{
    /// <summary>Not ended yet: the connection is still open (a live report).</summary>
    Open = 0,

    /// <summary>It lasted until the run's duration was up: not a loss.</summary>
    Completed,

    /// <summary>Ended by the client because the run was stopped before its duration was up (a test's stop, SIGINT, SIGTERM): not a loss.</summary>
    Stopped,

    /// <summary>The peer closed the connection (a FIN: end of stream, Go's <c>EOF</c>): a graceful close, a drain, a reload.</summary>
    PeerClosed,

    /// <summary>The peer reset the connection (a RST: <c>connection reset by peer</c>, or <c>broken pipe</c> on a write after one).</summary>
    Reset,

    /// <summary>No echo (or no write progress) within the read time-out, or the kernel gave up retransmitting: <c>i/o timeout</c>, a blackhole.</summary>
    ReadTimeout,

    /// <summary>The network said there is no way to the server: <c>no route to host</c>, <c>network is unreachable</c> (an ICMP error).</summary>
    Unreachable,

    /// <summary>Never connected: the last connect attempt was refused (<c>connection refused</c>: nothing listens).</summary>
    ConnectRefused,

    /// <summary>Never connected: the last connect attempt timed out (a SYN unanswered).</summary>
    ConnectTimeout,

    /// <summary>Any other error; <see cref="ConnectionStats.Error"/> has its text.</summary>
    Other,
}
