using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using Ctraffic.Statistics;

namespace Ctraffic.Client.Http;

/// <summary>
/// The request outcomes of an HTTP run, shared by its lanes: error responses, failed requests,
/// connections closed by the server, responses by status, and the wire's attempts and failures.
/// Interlocked counters; a status is a dictionary entry made once.
/// </summary>
internal sealed class HttpOutcomes(string client)
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _statuses = new(StringComparer.Ordinal);
    private long _errorResponses;
    private long _failedRequests;
    private long _closedByServer;
    private long _wireAttempts;
    private long _wireFailures;

    public void ErrorResponse() => Interlocked.Increment(ref _errorResponses);

    public void FailedRequest() => Interlocked.Increment(ref _failedRequests);

    public void ClosedByServer() => Interlocked.Increment(ref _closedByServer);

    public void WireAttempt() => Interlocked.Increment(ref _wireAttempts);

    public void WireFailure() => Interlocked.Increment(ref _wireFailures);

    /// <summary>A response of status <paramref name="status"/> (e.g. <c>"503"</c>).</summary>
    public void Status(string status) => Interlocked.Increment(ref _statuses.GetOrAdd(status, static _ => new StrongBox<long>()).Value);

    public HttpStatistics Statistics() => new()
    {
        Client = client,
        ErrorResponses = Interlocked.Read(ref _errorResponses),
        FailedRequests = Interlocked.Read(ref _failedRequests),
        ClosedByServer = Interlocked.Read(ref _closedByServer),
        WireAttempts = Interlocked.Read(ref _wireAttempts),
        WireFailures = Interlocked.Read(ref _wireFailures),
        Statuses = _statuses.OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary(s => s.Key, s => Interlocked.Read(ref s.Value.Value), StringComparer.Ordinal),
    };
}
