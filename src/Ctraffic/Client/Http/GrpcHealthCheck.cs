namespace Ctraffic.Client.Http;

/// <summary>
/// <c>grpc.health.v1.Health/Check</c> by hand: the request is an empty <c>HealthCheckRequest</c>
/// (all services) in a 5-byte gRPC frame; the response's <c>status</c> (field 1, a varint) is read
/// from its frame. No gRPC package needed.
/// </summary>
internal static class GrpcHealthCheck
{
    public const string Path = "/grpc.health.v1.Health/Check";

    /// <summary>Not compressed, length 0: an empty message.</summary>
    public static readonly byte[] Request = [0, 0, 0, 0, 0];

    /// <summary><c>ServingStatus.SERVING</c>.</summary>
    public const int Serving = 1;

    /// <summary>
    /// The <c>status</c> of a framed <c>HealthCheckResponse</c>; 0 (UNKNOWN) when absent, -1 when the
    /// bytes are not one uncompressed frame of that message.
    /// </summary>
    public static int Status(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 5 || frame[0] != 0)
        {
            return -1;
        }

        var length = (frame[1] << 24) | (frame[2] << 16) | (frame[3] << 8) | frame[4];
        if (length < 0 || frame.Length < 5 + length)
        {
            return -1;
        }

        var message = frame.Slice(5, length);
        var status = 0;
        var i = 0;
        while (i < message.Length)
        {
            var tag = message[i++];
            if (tag == 0x08 && i < message.Length)
            {
                // Statuses are 0 to 3: one varint byte; a longer varint is not a status we know.
                status = message[i] < 0x80 ? message[i] : -1;
                i++;
                while (i < message.Length && message[i - 1] >= 0x80)
                {
                    i++;
                }
            }
            else
            {
                return -1;
            }
        }

        return status;
    }
}
