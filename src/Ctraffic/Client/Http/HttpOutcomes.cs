using Ctraffic.Internal;
using Ctraffic.Statistics;

namespace Ctraffic.Client.Http;

/// <summary>
/// The request outcomes of an HTTP run, shared by its lanes: error responses, failed requests,
/// connections closed by the server, responses by status, and the wire's attempts and failures.
/// Interlocked counters; an HTTP status code is a counter of an array, any other status counted by its text.
/// </summary>
internal sealed class HttpOutcomes(string client)
{
    private readonly TextCounts _statuses = new();
    private readonly long[] _codes = new long[600];
    private long _errorResponses;
    private long _failedRequests;
    private long _closedByServer;
    private long _wireAttempts;
    private long _wireFailures;

    public void ErrorResponse() => Interlocked.Increment(ref _errorResponses);

    public void FailedRequest() => Interlocked.Increment(ref _failedRequests);

    public void ClosedByServer() => Interlocked.Increment(ref _closedByServer);

    public void WireAttempt() => Interlocked.Increment(ref _wireAttempts);

    /// <summary>
    /// Counts <paramref name="error"/> of an attempt on the wire as a wire failure, unless the run's
    /// own end caused it; whether it counted.
    /// </summary>
    public bool WireFailed(Exception error)
    {
        if (RunEndedException.IsIn(error))
        {
            return false;
        }

        Interlocked.Increment(ref _wireFailures);
        return true;
    }

    /// <summary>A response of status <paramref name="status"/> (e.g. <c>"grpc NOT_SERVING"</c>).</summary>
    public void Status(string status) => _statuses.Add(status);

    /// <summary>A response of HTTP status <paramref name="code"/>: a counter of its own, no text made per response.</summary>
    public void Status(int code)
    {
        if ((uint)code < (uint)_codes.Length)
        {
            Interlocked.Increment(ref _codes[code]);
        }
        else
        {
            Status(Text(code));
        }
    }

    /// <summary>The text a status code is counted by.</summary>
    public static string Text(int code) => code.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public HttpStatistics Statistics() => new()
    {
        Client = client,
        ErrorResponses = Interlocked.Read(ref _errorResponses),
        FailedRequests = Interlocked.Read(ref _failedRequests),
        ClosedByServer = Interlocked.Read(ref _closedByServer),
        WireAttempts = Interlocked.Read(ref _wireAttempts),
        WireFailures = Interlocked.Read(ref _wireFailures),
        Statuses = Statuses(),
    };

    private Dictionary<string, long> Statuses()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        _statuses.AddTo(counts);
        for (var code = 0; code < _codes.Length; code++)
        {
            if (Interlocked.Read(ref _codes[code]) is var n and > 0)
            {
                var text = Text(code);
                counts[text] = counts.GetValueOrDefault(text) + n;
            }
        }

        return counts.OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
    }
}
