using Ctraffic.Testing.AspNetCore.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ctraffic.Testing;

/// <summary>
/// An ASP.NET Core app as the system under test: each <see cref="StartAsync"/> starts an instance
/// of it on real Kestrel on a free port of 127.0.0.1 — an <see cref="AspNetCoreServer"/>, whose
/// responses name it in a header and whose graceful stop, kill and start again mark themselves on
/// the traffic. Several instances go behind a <see cref="LoadBalancer"/> for a rolling deploy.
/// <code>
/// var shop = AspNetCoreApp.Create(ShopApp.Build, o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
/// await using var app1 = await shop.StartAsync("app-1");
/// await using var traffic = await CtrafficFixture.StartAsync(o => { o.Server = app1; o.Client = TrafficClient.Http; });
/// await app1.StopAsync();            // the host's graceful stop; marks "stop app-1"
/// </code>
/// The package <c>Ctraffic.Testing.AspNetCore</c> makes one from a <c>WebApplicationFactory</c> (the app's real <c>Program</c>).
/// </summary>
public sealed class AspNetCoreApp
{
    private readonly Func<InstanceSettings, IHost> _create;

    private AspNetCoreApp(AspNetCoreAppOptions options, Func<InstanceSettings, IHost> create)
    {
        Options = options;
        _create = create;
    }

    /// <summary>The app's options, as given (a copy: changing them later changes nothing).</summary>
    internal AspNetCoreAppOptions Options { get; }

    /// <summary>
    /// The app built by <paramref name="build"/> — what a <c>Program.cs</c> does between
    /// <c>WebApplication.CreateBuilder(args)</c> and <c>app.Run()</c>: add services, build, map
    /// endpoints, return the app (not run). Each instance gets a builder of its own
    /// (<c>WebApplication.CreateBuilder</c> with <see cref="AspNetCoreAppOptions.Args"/>, no logging
    /// providers: add your own in <paramref name="build"/>) on which Kestrel already listens on
    /// 127.0.0.1; the app must not listen elsewhere itself.
    /// </summary>
    /// <param name="build">Adds the app's services to the builder, builds it, maps the endpoints and returns the app.</param>
    /// <param name="configure">Sets the options (HTTP/2, shutdown time-out, header); <see langword="null"/> keeps the defaults.</param>
    /// <returns>The app; no instance runs yet.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static AspNetCoreApp Create(Func<WebApplicationBuilder, WebApplication> build, Action<AspNetCoreAppOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        var options = Configure(configure);
        return new AspNetCoreApp(options, settings =>
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. settings.Options.Args] });
            builder.Logging.ClearProviders();
            settings.Apply(builder.WebHost);
            return build(builder) ?? throw new InvalidOperationException($"the app's build function returned null for {settings.HostName}: it must return the built WebApplication");
        });
    }

    /// <summary>
    /// Starts an instance answering as <paramref name="hostName"/>, on a free port of 127.0.0.1, and
    /// returns once it serves.
    /// </summary>
    /// <param name="hostName">Names the instance: in the response header, and in its disruptions (<c>"stop app-1"</c>).</param>
    /// <param name="cancellationToken">Stops waiting (the instance is stopped).</param>
    /// <returns>The instance, serving; the caller owns it (<c>await using</c>).</returns>
    /// <exception cref="ArgumentException"><paramref name="hostName"/> is empty.</exception>
    /// <exception cref="TimeoutException">It did not serve within <see cref="AspNetCoreAppOptions.StartTimeout"/>.</exception>
    public async Task<AspNetCoreServer> StartAsync(string hostName, CancellationToken cancellationToken = default)
    {
        CheckHostName(hostName);
        var (host, port) = await StartInstanceAsync(new InstanceSettings(hostName, 0, Options), cancellationToken).ConfigureAwait(false);
        return new AspNetCoreServer(this, hostName, host, port);
    }

    /// <summary>An app whose instances are the hosts <paramref name="create"/> builds (not started) with the settings applied.</summary>
    internal static AspNetCoreApp FromHosts(Func<InstanceSettings, IHost> create, Action<AspNetCoreAppOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(create);
        return new AspNetCoreApp(Configure(configure), create);
    }

    internal static void CheckHostName(string hostName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostName);
        if (hostName.Length > Server.Http.HttpServerOptions.MaximumHostNameLength || hostName.Any(c => c < 0x21 || c > 0x7e))
        {
            throw new ArgumentException($"{nameof(hostName)}: must be 1 to {Server.Http.HttpServerOptions.MaximumHostNameLength} visible ASCII characters (it goes in a header), was \"{hostName}\"", nameof(hostName));
        }
    }

    /// <summary>Builds and starts one instance within the start time-out; returns it with the port it got.</summary>
    internal async Task<(IHost Host, int Port)> StartInstanceAsync(InstanceSettings settings, CancellationToken cancellationToken)
    {
        var host = _create(settings);
        using var timeout = new CancellationTokenSource(Options.StartTimeout, Options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await host.StartAsync(linked.Token).ConfigureAwait(false);
            return (host, BoundPort.Of(host.Services, settings.HostName));
        }
        catch (Exception ex)
        {
            await AppHosts.TryKillAsync(host).ConfigureAwait(false);
            if (ex is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{settings.HostName} did not start within {Options.StartTimeout.TotalSeconds:0.###} s ({nameof(AspNetCoreAppOptions.StartTimeout)})", ex);
            }

            throw;
        }
    }

    private static AspNetCoreAppOptions Configure(Action<AspNetCoreAppOptions>? configure)
    {
        var options = new AspNetCoreAppOptions();
        configure?.Invoke(options);
        options.Validate();
        return options.Clone();
    }
}
