namespace Ctraffic.Testing;

/// <summary>Which nginx proxy <see cref="ProcessServer.StartNginxAsync"/> configures.</summary>
public enum NginxMode
{
    /// <summary>The <c>stream</c> module: a TCP proxy, for ctraffic's echo traffic (Debian: <c>libnginx-mod-stream</c>).</summary>
    Stream,

    /// <summary>The <c>http</c> module: a reverse proxy to HTTP backends, plus <c>/ctraffic-ready</c> answered by nginx itself.</summary>
    Http,
}
