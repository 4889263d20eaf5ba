using System.Net.Sockets;

namespace Ctraffic.GoCompat;

/// <summary>Error texts in the style of Go's <c>net</c> package, as the original writes them in <c>Err</c>.</summary>
internal static class GoErrors
{
    public const string Eof = "EOF";
    public const string Timeout = "i/o timeout";

    public static string Op(string op, string local, string remote, string reason)
        => local.Length > 0 ? $"{op} tcp {local}->{remote}: {reason}" : $"{op} tcp {remote}: {reason}";

    public static string Reason(Exception ex) => ex switch
    {
        SocketException se => se.SocketErrorCode switch
        {
            SocketError.ConnectionReset => "connection reset by peer",
            SocketError.ConnectionRefused => "connection refused",
            SocketError.Shutdown => "broken pipe",
            SocketError.TimedOut => Timeout,
            SocketError.HostUnreachable => "no route to host",
            SocketError.NetworkUnreachable => "network is unreachable",
            SocketError.ConnectionAborted => "software caused connection abort",
            SocketError.AddressNotAvailable => "cannot assign requested address",
            SocketError.AddressAlreadyInUse => "address already in use",
            SocketError.TooManyOpenSockets => "too many open files",
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "no such host",
            _ => se.Message.ToLowerInvariant(),
        },
        _ => ex.Message,
    };
}
