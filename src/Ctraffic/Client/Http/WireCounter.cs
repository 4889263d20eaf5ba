namespace Ctraffic.Client.Http;

/// <summary>
/// The handler right above a lane's <see cref="SocketsHttpHandler"/>, below the test's handlers:
/// counts what reached the wire, so that retries of a policy show as attempts beyond the requests.
/// </summary>
internal sealed class WireCounter(HttpMessageHandler wire, HttpOutcomes outcomes) : DelegatingHandler(wire)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        outcomes.WireAttempt();
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            outcomes.WireFailure();
            throw;
        }
    }
}
