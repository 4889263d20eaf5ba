namespace Ctraffic.Client;

/// <summary>What a traffic run's connections send: the original's echo packets, or HTTP requests.</summary>
public enum TrafficClient
{
    /// <summary>Echo packets to a ctraffic server (the default; the original's only client).</summary>
    Echo,

    /// <summary>HTTP/1.1 requests (<c>GET</c> of <see cref="TrafficOptions.HttpPath"/>) on a keep-alive connection.</summary>
    Http,

    /// <summary>HTTP/2 requests without TLS (h2c, prior knowledge), one stream in flight per connection.</summary>
    Http2,

    /// <summary>gRPC unary calls over h2c: <c>grpc.health.v1.Health/Check</c>, which any gRPC server with the health service answers.</summary>
    Grpc,
}
