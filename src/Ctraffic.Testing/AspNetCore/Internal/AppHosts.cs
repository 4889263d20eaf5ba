using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ctraffic.Testing.AspNetCore.Internal;

/// <summary>How an instance's host goes down: gracefully (the host's own stop), or killed (every connection aborted first).</summary>
internal static class AppHosts
{
    /// <summary>
    /// The host's graceful stop, as on SIGTERM: Kestrel stops accepting, closes idle connections,
    /// lets requests in flight finish (HTTP/1.1: <c>Connection: close</c>; HTTP/2: GOAWAY) until the
    /// host's <c>ShutdownTimeout</c>, then aborts the rest; then the host is disposed.
    /// </summary>
    public static async Task StopAsync(IHost host)
    {
        try
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await DisposeAsync(host).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// As a crash: the server is stopped with a cancelled token, so Kestrel aborts every connection
    /// at once, requests in flight with them (no drain); then the rest of the host stops and is disposed.
    /// </summary>
    public static async Task KillAsync(IHost host)
    {
        try
        {
            if (host.Services.GetService<IServer>() is { } server)
            {
                await server.StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Never started, or disposed already: nothing to abort.
        }

        await StopAsync(host).ConfigureAwait(false);
    }

    /// <summary>Kills a host whose start failed; the start's failure is the one to report, not one of this clean-up.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Clean-up after a failed start: the start's exception is rethrown by the caller.")]
    public static async Task TryKillAsync(IHost host)
    {
        try
        {
            await KillAsync(host).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // See the summary.
        }
    }

    private static async ValueTask DisposeAsync(IHost host)
    {
        if (host is IAsyncDisposable async)
        {
            await async.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            host.Dispose();
        }
    }
}
