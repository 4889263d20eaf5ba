using System.Net.Sockets;
using Ctraffic.Statistics;

namespace Ctraffic.Client;

/// <summary>The <see cref="ConnectionEndKind"/> of a socket error, taken where the error happens.</summary>
internal static class EndKinds
{
    /// <summary>The kind of <paramref name="error"/> ending a connected socket.</summary>
    public static ConnectionEndKind OfConnection(SocketException error) => error.SocketErrorCode switch
    {
        SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted or SocketError.ConnectionRefused => ConnectionEndKind.Reset,
        SocketError.TimedOut => ConnectionEndKind.ReadTimeout,
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => ConnectionEndKind.Unreachable,
        _ => ConnectionEndKind.Other,
    };

    /// <summary>The kind of <paramref name="error"/> failing a connect attempt (an <see cref="OperationCanceledException"/> is the connect time-out).</summary>
    public static ConnectionEndKind OfConnect(Exception error) => error switch
    {
        OperationCanceledException => ConnectionEndKind.ConnectTimeout,
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => ConnectionEndKind.ConnectRefused,
        SocketException { SocketErrorCode: SocketError.TimedOut } => ConnectionEndKind.ConnectTimeout,
        SocketException { SocketErrorCode: SocketError.HostUnreachable or SocketError.NetworkUnreachable } => ConnectionEndKind.Unreachable,
        _ => ConnectionEndKind.Other,
    };
}
