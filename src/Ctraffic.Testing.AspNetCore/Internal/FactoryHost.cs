using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace Ctraffic.Testing.AspNetCore.Internal;

/// <summary>
/// One instance of a <see cref="WebApplicationFactory{TEntryPoint}"/>'s app as a host: a derived
/// factory with the instance's settings, on Kestrel. Started by <see cref="WebApplicationFactory{TEntryPoint}.StartServer"/>;
/// stopped by disposing the factory, which stops its host (within the host's shutdown time-out).
/// </summary>
internal sealed class FactoryHost<TEntryPoint> : IHost, IAsyncDisposable
    where TEntryPoint : class
{
    private readonly WebApplicationFactory<TEntryPoint> _factory;
    private volatile bool _started;
    private int _stopped;

    public FactoryHost(WebApplicationFactory<TEntryPoint> factory, InstanceSettings settings)
    {
        _factory = factory.WithWebHostBuilder(settings.Apply);
        _factory.UseKestrel();
    }

    /// <summary>The app's services once it started (before, the factory would start it to answer).</summary>
    public IServiceProvider Services => _started ? _factory.Services : throw new InvalidOperationException("the instance has not started");

    /// <summary>Builds and starts the app (the factory's start blocks a thread: it runs on the pool, and the wait is bounded by the token).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await Task.Run(_factory.StartServer, CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
        _started = true;
    }

    /// <summary>The graceful stop: disposing the factory stops its host, which honours its shutdown time-out.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _factory.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
