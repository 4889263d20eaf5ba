using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Ctraffic.Server.Http.Internal;

/// <summary>
/// The answers of the <see cref="HttpServer"/>: the gRPC health check, a status asked for in the
/// path (<c>/status/503</c>), or <c>200 ok</c>; each with the host name in its header. Nothing
/// is allocated per request but what Kestrel allocates.
/// </summary>
internal sealed class HttpResponder(string hostName, string hostHeader)
{
    private const string StatusPrefix = "/status/";
    private static readonly byte[] Ok = "ok\n"u8.ToArray();

    public Task AnswerAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers[hostHeader] = hostName;
        var path = context.Request.Path.Value ?? "/";
        if (string.Equals(path, GrpcHealth.CheckPath, StringComparison.Ordinal))
        {
            return GrpcHealth.AnswerAsync(context);
        }

        var status = StatusCodes.Status200OK;
        if (path.StartsWith(StatusPrefix, StringComparison.Ordinal))
        {
            if (!int.TryParse(path.AsSpan(StatusPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out status) || status is < 200 or > 599)
            {
                status = StatusCodes.Status400BadRequest;
            }
        }

        response.StatusCode = status;
        response.ContentType = "text/plain";
        response.ContentLength = Ok.Length;
        return response.Body.WriteAsync(Ok, context.RequestAborted).AsTask();
    }
}
