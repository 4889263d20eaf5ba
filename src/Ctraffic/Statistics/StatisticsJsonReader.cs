using System.Text.Json;
using Ctraffic.GoCompat;

namespace Ctraffic.Statistics;

/// <summary>
/// Reads ctraffic JSON (ours or the original's) from a parsed document for <see cref="StatisticsJson.Read"/>:
/// unknown fields are ignored, missing ones take their zero value, and a field of the wrong kind
/// is a <see cref="FormatException"/> that names it.
/// </summary>
internal static class StatisticsJsonReader
{
    /// <summary>Reads the statistics of a parsed document.</summary>
    /// <exception cref="FormatException">The element is not a ctraffic statistics object.</exception>
    public static TrafficStatistics Read(JsonElement root) => ReadExact(root).Statistics;

    /// <summary>
    /// Reads the statistics of a parsed document and, in the same pass, their times as the
    /// nanoseconds written (which <see cref="TrafficStatistics"/> rounds down to 100 ns).
    /// </summary>
    /// <exception cref="FormatException">The element is not a ctraffic statistics object.</exception>
    /// <summary>The added fields of an HTTP run; <see langword="null"/> when there is no <c>Client</c> field (an echo run, or the original's).</summary>
    private static HttpStatistics? ReadHttp(JsonElement root)
    {
        if (!root.TryGetProperty("Client", out var client) || client.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var statuses = new Dictionary<string, long>(StringComparer.Ordinal);
        if (root.TryGetProperty("Statuses", out var st) && st.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in st.EnumerateObject())
            {
                statuses[p.Name] = p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt64(out var n)
                    ? n
                    : throw new FormatException($"field Statuses.{p.Name}: expected an integer, found {Describe(p.Value.ValueKind)}");
            }
        }

        return new HttpStatistics
        {
            Client = client.GetString()!,
            ErrorResponses = GetInt64(root, "ErrorResponses"),
            FailedRequests = GetInt64(root, "FailedRequests"),
            ClosedByServer = GetInt64(root, "ClosedByServer"),
            WireAttempts = GetInt64(root, "WireAttempts"),
            WireFailures = GetInt64(root, "WireFailures"),
            Statuses = statuses,
        };
    }

    public static (TrafficStatistics Statistics, NanosecondTimes Times) ReadExact(JsonElement root)
    {
        try
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"expected a JSON object, found {Describe(root.ValueKind)}");
            }

            var conns = new List<ConnectionStats>();
            var connTimes = new List<ConnectionTimes>();
            if (root.TryGetProperty("ConnStats", out var cs) && cs.ValueKind == JsonValueKind.Array)
            {
                foreach (var c in cs.EnumerateArray())
                {
                    var (stats, times) = ReadConnection(c);
                    conns.Add(stats);
                    connTimes.Add(times);
                }
            }

            var samples = new List<Sample>();
            var sampleTimes = new List<long>();
            if (root.TryGetProperty("Samples", out var ss) && ss.ValueKind == JsonValueKind.Array)
            {
                foreach (var s in ss.EnumerateArray())
                {
                    RequireObject(s, "Samples");
                    var time = GetInt64(s, "Time");
                    sampleTimes.Add(time);
                    samples.Add(new Sample(StatisticsJson.FromNanoseconds(time), GetInt64(s, "Sent"), GetInt64(s, "Received"), GetInt64(s, "Dropped")));
                }
            }

            var (started, startedNs) = root.TryGetProperty("Started", out var st) && st.ValueKind == JsonValueKind.String
                ? ParseStarted(st.GetString()!)
                : (default, 0);
            var duration = GetInt64(root, "Duration");
            var statistics = new TrafficStatistics
            {
                Started = started,
                Duration = StatisticsJson.FromNanoseconds(duration),
                Rate = GetDouble(root, "Rate"),
                Connections = (int)Math.Clamp(GetInt64(root, "Connections"), 0, int.MaxValue),
                PacketSize = (int)Math.Clamp(GetInt64(root, "PacketSize"), 0, int.MaxValue),
                FailedConnections = GetInt64(root, "FailedConnections"),
                Sent = GetInt64(root, "Sent"),
                Received = GetInt64(root, "Received"),
                Dropped = GetInt64(root, "Dropped"),
                Retransmits = GetInt64(root, "Retransmits"),
                FailedConnects = GetInt64(root, "FailedConnects"),
                DroppedLocal = GetInt64(root, "DroppedLocal"),
                PacingLagP99 = StatisticsJson.FromNanoseconds(GetInt64(root, "PacingLagP99")),
                PacingLagMax = StatisticsJson.FromNanoseconds(GetInt64(root, "PacingLagMax")),
                ConnStats = conns,
                Samples = samples,
                Http = ReadHttp(root),
            };
            return (statistics, new NanosecondTimes(startedNs, duration, [.. sampleTimes], [.. connTimes]));
        }
        catch (JsonException ex)
        {
            throw StatisticsJson.NotJson(ex);
        }
    }

    private static (ConnectionStats Stats, ConnectionTimes Times) ReadConnection(JsonElement c)
    {
        RequireObject(c, "ConnStats");
        var started = GetInt64(c, "Started");
        var connect = GetInt64(c, "Connect");
        var ended = GetInt64(c, "Ended");
        var err = GetString(c, "Err");
        var kind = GetString(c, "EndKind") is { Length: > 0 } name ? ConnectionEnds.Parse(name) : null;
        var stats = new ConnectionStats
        {
            Started = StatisticsJson.FromNanoseconds(started),
            Connected = connect == 0 ? null : StatisticsJson.FromNanoseconds(connect),
            Ended = StatisticsJson.FromNanoseconds(ended),
            Error = err.Length == 0 ? null : err,
            Sent = GetInt64(c, "Sent"),
            Received = GetInt64(c, "Received"),
            Dropped = GetInt64(c, "Dropped"),
            Retransmits = GetInt64(c, "Retransmits"),
            FailedConnects = GetInt64(c, "FailedConnects"),
            Local = GetString(c, "Local"),
            Remote = GetString(c, "Remote"),
            Host = GetString(c, "Host"),
        };
        if (kind is { } k)
        {
            stats = stats with { EndKind = k };
        }

        return (stats, new ConnectionTimes(started, connect, ended, stats.Failed));
    }

    /// <summary>
    /// The fields of a round-trip object (<c>Rtt</c>, <c>CorrectedRtt</c>) in the order they are
    /// written and read: the count, then the times in nanoseconds. The one list of them, for the
    /// report's writer as for this reader.
    /// </summary>
    internal static readonly string[] RttFields = ["Count", "Min", "Mean", "P50", "P90", "P99", "P999", "Max"];

    /// <summary>
    /// The round trips our command adds to its statistics (<c>Rtt</c>): its <c>Count</c>, then
    /// <c>Min</c>, <c>Mean</c>, <c>P50</c>, <c>P90</c>, <c>P99</c>, <c>P999</c> and <c>Max</c> in
    /// nanoseconds; <see langword="null"/> when the field is absent, as in the original's files.
    /// </summary>
    /// <exception cref="FormatException">The field is not an object of non-negative integers.</exception>
    public static long[]? ReadRtt(JsonElement root)
    {
        if (!root.TryGetProperty("Rtt", out var rtt) || rtt.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (rtt.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"field Rtt is {Describe(rtt.ValueKind)}, not an object");
        }

        var values = Array.ConvertAll(RttFields, name => GetInt64(rtt, name));
        return values.Any(v => v < 0) ? throw new FormatException("field Rtt holds a negative value") : values;
    }

    private static void RequireObject(JsonElement e, string array)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"an entry of {array} is {Describe(e.ValueKind)}, not an object");
        }
    }

    private static long GetInt64(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n))
        {
            return n;
        }

        throw new FormatException($"field {name} is not an integer: {v.GetRawText()}");
    }

    private static double GetDouble(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (v.ValueKind == JsonValueKind.Number)
        {
            return v.GetDouble();
        }

        throw new FormatException($"field {name} is not a number: {v.GetRawText()}");
    }

    private static string GetString(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return "";
        }

        if (v.ValueKind == JsonValueKind.String)
        {
            return v.GetString()!;
        }

        throw new FormatException($"field {name} is not a string: {v.GetRawText()}");
    }

    private static (DateTimeOffset Time, int Nanoseconds) ParseStarted(string s)
        => GoTime.ParseRfc3339(s) ?? throw new FormatException($"field Started is not an RFC 3339 time: \"{s}\"");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "not a value",
    };
}
