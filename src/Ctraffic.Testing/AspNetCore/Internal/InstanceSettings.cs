using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ctraffic.Testing.AspNetCore.Internal;

/// <summary>
/// What the test library sets on one instance of an app, whichever way its host is built (the
/// app's own <c>WebApplicationBuilder</c>, or a <c>WebApplicationFactory</c>): Kestrel on
/// 127.0.0.1 at <see cref="Port"/> (0: a free one), the host header first in the pipeline, and
/// the shutdown time-out over the app's own.
/// </summary>
/// <param name="HostName">The instance's name in the host header.</param>
/// <param name="Port">The port; 0 picks a free one (the first start), the same again for a start after a stop.</param>
/// <param name="Options">The app's options.</param>
internal sealed record InstanceSettings(string HostName, int Port, AspNetCoreAppOptions Options)
{
    /// <summary>Sets Kestrel's endpoint, the host header and the shutdown time-out on <paramref name="web"/>.</summary>
    public void Apply(IWebHostBuilder web)
    {
        var protocols = Options.Http2 ? HttpProtocols.Http2 : HttpProtocols.Http1;
        web.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port, l => l.Protocols = protocols));
        var filter = new HostHeaderFilter(Options.HostHeader, HostName);
        var shutdown = Options.ShutdownTimeout;
        web.ConfigureServices(services =>
        {
            services.AddSingleton<IStartupFilter>(filter);
            if (shutdown is { } timeout)
            {
                // After the app's own Configure<HostOptions>: the test's time-out is the one in effect.
                services.PostConfigure<HostOptions>(o => o.ShutdownTimeout = timeout);
            }
        });
    }
}
