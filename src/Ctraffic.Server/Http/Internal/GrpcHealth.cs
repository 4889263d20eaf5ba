using Microsoft.AspNetCore.Http;

namespace Ctraffic.Server.Http.Internal;

/// <summary>
/// The one gRPC method the server has: <c>grpc.health.v1.Health/Check</c>, answered with
/// <c>HealthCheckResponse { status: SERVING }</c> — written by hand (a 5-byte gRPC frame prefix and
/// two bytes of protobuf), so no gRPC package is needed. The request (a service name) is read and
/// ignored: the server serves every service it is asked about.
/// </summary>
internal static class GrpcHealth
{
    /// <summary>The path of the health check.</summary>
    public const string CheckPath = "/grpc.health.v1.Health/Check";

    /// <summary>The longest request read (a service name is short).</summary>
    private const int MaximumRequest = 4096;

    /// <summary>
    /// The response message framed: not compressed, length 2, field 1 (status, varint) = 1 (SERVING).
    /// </summary>
    private static readonly byte[] Serving = [0, 0, 0, 0, 2, 0x08, 0x01];

    public static async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsPost(request.Method) || request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
        {
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        var buffer = new byte[512];
        var total = 0;
        int n;
        while ((n = await request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            total += n;
            if (total > MaximumRequest)
            {
                response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        await response.Body.WriteAsync(Serving, context.RequestAborted).ConfigureAwait(false);
        if (response.SupportsTrailers())
        {
            response.AppendTrailer("grpc-status", "0");
        }
    }
}
