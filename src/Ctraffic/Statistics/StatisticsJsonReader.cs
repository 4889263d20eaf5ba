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
    public static TrafficStatistics Read(JsonElement root)
    {
        try
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"expected a JSON object, found {Describe(root.ValueKind)}");
            }

            var conns = new List<ConnectionStats>();
            if (root.TryGetProperty("ConnStats", out var cs) && cs.ValueKind == JsonValueKind.Array)
            {
                foreach (var c in cs.EnumerateArray())
                {
                    conns.Add(ReadConnection(c));
                }
            }

            var samples = new List<Sample>();
            if (root.TryGetProperty("Samples", out var ss) && ss.ValueKind == JsonValueKind.Array)
            {
                foreach (var s in ss.EnumerateArray())
                {
                    RequireObject(s, "Samples");
                    samples.Add(new Sample(
                        StatisticsJson.FromNanoseconds(GetInt64(s, "Time")),
                        GetInt64(s, "Sent"),
                        GetInt64(s, "Received"),
                        GetInt64(s, "Dropped")));
                }
            }

            return new TrafficStatistics
            {
                Started = root.TryGetProperty("Started", out var st) && st.ValueKind == JsonValueKind.String
                    ? ParseStarted(st.GetString()!)
                    : default,
                Duration = StatisticsJson.FromNanoseconds(GetInt64(root, "Duration")),
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
            };
        }
        catch (JsonException ex)
        {
            throw StatisticsJson.NotJson(ex);
        }
    }

    private static ConnectionStats ReadConnection(JsonElement c)
    {
        RequireObject(c, "ConnStats");
        var connect = GetInt64(c, "Connect");
        var err = GetString(c, "Err");
        return new ConnectionStats
        {
            Started = StatisticsJson.FromNanoseconds(GetInt64(c, "Started")),
            Connected = connect == 0 ? null : StatisticsJson.FromNanoseconds(connect),
            Ended = StatisticsJson.FromNanoseconds(GetInt64(c, "Ended")),
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

    private static DateTimeOffset ParseStarted(string s)
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
