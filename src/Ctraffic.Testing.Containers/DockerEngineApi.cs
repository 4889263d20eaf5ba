using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization;

namespace Ctraffic.Testing.Containers;

/// <summary>
/// The API version of the local Docker engine, asked over its Unix socket (<c>GET /version</c>, which
/// every engine answers whatever version the client speaks). Testcontainers' client speaks a newer
/// API than a 20.10 engine (API 1.41) and then reports only that Docker is unavailable; with this
/// version the error can say that <c>DOCKER_API_VERSION</c> is the fix.
/// </summary>
internal static partial class DockerEngineApi
{
    /// <summary>The variable that makes the client speak an older API.</summary>
    public const string VersionVariable = "DOCKER_API_VERSION";

    private const string DefaultSocket = "/var/run/docker.sock";

    /// <summary>The engine's <c>ApiVersion</c> (e.g. "1.41"), or <see langword="null"/> when no engine answers on a Unix socket.</summary>
    public static async Task<string?> VersionAsync(CancellationToken cancellationToken)
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var path = string.IsNullOrEmpty(host) ? DefaultSocket : host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : null;
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var version = await client.GetFromJsonAsync(new Uri("http://docker/version"), DockerVersionJson.Default.DockerVersion, cancellationToken).ConfigureAwait(false);
            return version?.ApiVersion;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException or System.Text.Json.JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    internal sealed record DockerVersion(string? ApiVersion, string? Version);

    [JsonSerializable(typeof(DockerVersion))]
    internal sealed partial class DockerVersionJson : JsonSerializerContext;
}
