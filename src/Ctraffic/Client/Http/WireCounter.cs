namespace Ctraffic.Client.Http;

/// <summary>
/// The handler right above a lane's <see cref="SocketsHttpHandler"/>, below the test's handlers (only where the test gives some):
/// counts what reached the wire, so that retries of a policy show as attempts beyond the requests.
/// </summary>
internal sealed class WireCounter(HttpMessageHandler wire, HttpOutcomes outcomes) : DelegatingHandler(wire)
{
    private volatile Exception? _lastFailure;

    /// <summary>
    /// Takes the failure of the last attempt on the wire, if it failed: a handler of the test that
    /// retries it makes the lane's client open a new connection, and the one that broke was lost,
    /// not closed by the server between requests.
    /// </summary>
    public Exception? TakeFailure() => Interlocked.Exchange(ref _lastFailure, null);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        outcomes.WireAttempt();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            _lastFailure = null;
            return response;
        }
        catch (Exception ex) when (outcomes.WireFailed(ex))
        {
            _lastFailure = ex;
            throw;
        }
    }
}
