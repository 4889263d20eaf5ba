using Ctraffic.Testing.AspNetCore.Internal;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Ctraffic.Testing;

/// <summary>
/// The app of a <see cref="WebApplicationFactory{TEntryPoint}"/> — its real <c>Program</c> — as an
/// <see cref="AspNetCoreApp"/> whose instances run on Kestrel on 127.0.0.1 under continuous traffic.
/// </summary>
public static class WebApplicationFactoryExtensions
{
    /// <summary>
    /// The app of <paramref name="factory"/> as an <see cref="AspNetCoreApp"/>: each
    /// <see cref="AspNetCoreApp.StartAsync"/> starts an instance of it — a factory of its own made
    /// with <see cref="WebApplicationFactory{TEntryPoint}.WithWebHostBuilder"/> (so the factory's
    /// own configuration applies), on Kestrel (<see cref="WebApplicationFactory{TEntryPoint}.UseKestrel()"/>)
    /// at 127.0.0.1 — with the instance's name in a response header. A graceful stop disposes the
    /// instance's factory (the host's stop, within its shutdown time-out); a kill first aborts every
    /// connection. The test project references <c>Microsoft.AspNetCore.Mvc.Testing</c> itself, as every
    /// <c>WebApplicationFactory</c> test does (its build step copies the app's <c>.deps.json</c>).
    /// <code>
    /// await using var factory = new WebApplicationFactory&lt;Program&gt;();
    /// var shop = factory.AsCtrafficApp(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
    /// await using var app1 = await shop.StartAsync("app-1");
    /// </code>
    /// </summary>
    /// <typeparam name="TEntryPoint">A type in the app's entry point assembly (usually <c>Program</c>).</typeparam>
    /// <param name="factory">The factory; the caller keeps owning it (disposing it disposes the instances' factories too).</param>
    /// <param name="configure">Sets the options (HTTP/2, shutdown time-out, header); <see langword="null"/> keeps the defaults. <see cref="AspNetCoreAppOptions.Args"/> is not used: configure the factory instead.</param>
    /// <returns>The app; no instance runs yet.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static AspNetCoreApp AsCtrafficApp<TEntryPoint>(this WebApplicationFactory<TEntryPoint> factory, Action<AspNetCoreAppOptions>? configure = null)
        where TEntryPoint : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        return AspNetCoreApp.FromHosts(settings => new FactoryHost<TEntryPoint>(factory, settings), configure);
    }
}
