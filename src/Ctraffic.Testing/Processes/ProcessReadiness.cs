namespace Ctraffic.Testing;

/// <summary>How a <see cref="ProcessServer"/> knows that its process serves, after a start, a restart or a reload.</summary>
public enum ProcessReadiness
{
    /// <summary>A TCP connect to its address succeeds (any server; a proxy accepts before its backends are checked).</summary>
    Connect,

    /// <summary>A ctraffic handshake goes there and back: 64 bytes out, 64 bytes in (a ctraffic server, or a proxy in front of one).</summary>
    EchoRoundTrip,

    /// <summary>An HTTP/1.1 <c>GET</c> of <see cref="ProcessServerOptions.ReadinessPath"/> answers with a status below 400.</summary>
    HttpGet,
}
