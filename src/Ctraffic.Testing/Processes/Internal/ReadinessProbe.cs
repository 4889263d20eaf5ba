using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ctraffic.Testing.Processes.Internal;

/// <summary>One attempt of a <see cref="ProcessReadiness"/> check, bounded by its own time-out.</summary>
internal static class ReadinessProbe
{
    /// <summary>How long one attempt may take.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Whether the server at <paramref name="endPoint"/> passes the check, and if not, why not.</summary>
    public static async Task<(bool Ready, string? Error)> TryAsync(IPEndPoint endPoint, ProcessReadiness kind, string path, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AttemptTimeout);
        try
        {
            using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
            return kind switch
            {
                ProcessReadiness.EchoRoundTrip => await EchoAsync(socket, timeout.Token).ConfigureAwait(false),
                ProcessReadiness.HttpGet => await HttpGetAsync(socket, endPoint, path, timeout.Token).ConfigureAwait(false),
                _ => (true, null),
            };
        }
        catch (SocketException e)
        {
            return (false, e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"no answer within {AttemptTimeout.TotalSeconds:0.#} s");
        }
    }

    private static async Task<(bool, string?)> EchoAsync(Socket socket, CancellationToken cancellationToken)
    {
        await socket.SendAsync(new byte[Wire.HandshakeSize], SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var reply = new byte[Wire.HandshakeSize];
        var got = 0;
        while (got < reply.Length)
        {
            var n = await socket.ReceiveAsync(reply.AsMemory(got), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return (false, $"the connection was closed after {got} of the handshake's {Wire.HandshakeSize} bytes");
            }

            got += n;
        }

        return (true, null);
    }

    private static async Task<(bool, string?)> HttpGetAsync(Socket socket, IPEndPoint endPoint, string path, CancellationToken cancellationToken)
    {
        var request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {HostPort.Format(endPoint)}\r\nConnection: close\r\n\r\n");
        await socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[256];
        var got = 0;
        while (got < buffer.Length && Array.IndexOf(buffer, (byte)'\n', 0, got) < 0)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            got += n;
        }

        // "HTTP/1.1 200 OK": the status is the second word.
        var line = Encoding.ASCII.GetString(buffer, 0, got).Split('\n')[0].Trim();
        var words = line.Split(' ');
        return words.Length > 1 && words[0].StartsWith("HTTP/", StringComparison.Ordinal) && int.TryParse(words[1], out var status)
            ? status < 400 ? (true, null) : (false, $"GET {path} answered '{line}'")
            : (false, $"GET {path} got no HTTP status line but '{line}'");
    }
}
