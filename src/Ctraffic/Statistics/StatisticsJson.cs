using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ctraffic.Statistics;

/// <summary>
/// Writes and reads statistics in the JSON of the original ctraffic: one unformatted line, its
/// field names and order, times as integer nanoseconds, and strings escaped as Go escapes them,
/// so that the original's <c>-analyze</c> and scripts that read its output read ours.
/// </summary>
public static class StatisticsJson
{
    /// <summary>Formats <paramref name="stats"/> as one line of ctraffic JSON (no line break).</summary>
    /// <param name="stats">The statistics.</param>
    /// <param name="detail">
    /// <see cref="StatisticsDetail.All"/> adds the <c>ConnStats</c> and <c>Samples</c> arrays;
    /// <see cref="StatisticsDetail.Summary"/> writes the summary only.
    /// </param>
    public static string Write(TrafficStatistics stats, StatisticsDetail detail = StatisticsDetail.Summary)
        => Write(stats, detail, null);

    /// <summary>As <see cref="Write(TrafficStatistics, StatisticsDetail)"/>, with added fields written by <paramref name="extra"/> before the closing brace.</summary>
    internal static string Write(TrafficStatistics stats, StatisticsDetail detail, Action<StringBuilder>? extra)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var sb = new StringBuilder(256 + (detail == StatisticsDetail.All ? stats.ConnStats.Count * 200 + stats.Samples.Count * 70 : 0));
        sb.Append("{\"Started\":");
        AppendString(sb, FormatRfc3339Nano(stats.Started));
        sb.Append(",\"Duration\":").Append(Nanoseconds(stats.Duration));
        sb.Append(",\"Rate\":").Append(FormatFloat(stats.Rate));
        sb.Append(",\"Connections\":").Append(stats.Connections);
        sb.Append(",\"PacketSize\":").Append(stats.PacketSize);
        sb.Append(",\"FailedConnections\":").Append(stats.FailedConnections);
        sb.Append(",\"Sent\":").Append(stats.Sent);
        sb.Append(",\"Received\":").Append(stats.Received);
        sb.Append(",\"Dropped\":").Append(stats.Dropped);
        sb.Append(",\"Retransmits\":").Append(stats.Retransmits);
        sb.Append(",\"FailedConnects\":").Append(stats.FailedConnects);
        sb.Append(",\"DroppedLocal\":").Append(stats.DroppedLocal);
        sb.Append(",\"PacingLagP99\":").Append(Nanoseconds(stats.PacingLagP99));
        sb.Append(",\"PacingLagMax\":").Append(Nanoseconds(stats.PacingLagMax));
        if (detail == StatisticsDetail.All)
        {
            sb.Append(",\"ConnStats\":[");
            for (var i = 0; i < stats.ConnStats.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }

                AppendConnection(sb, stats.ConnStats[i]);
            }

            sb.Append("],\"Samples\":[");
            for (var i = 0; i < stats.Samples.Count; i++)
            {
                var s = stats.Samples[i];
                if (i > 0)
                {
                    sb.Append(',');
                }

                sb.Append("{\"Time\":").Append(Nanoseconds(s.Time))
                  .Append(",\"Sent\":").Append(s.Sent)
                  .Append(",\"Received\":").Append(s.Received)
                  .Append(",\"Dropped\":").Append(s.Dropped).Append('}');
            }

            sb.Append(']');
        }

        extra?.Invoke(sb);
        sb.Append('}');
        return sb.ToString();
    }

    /// <summary>
    /// Reads ctraffic JSON written by this library or by the original. Unknown fields are ignored
    /// and missing ones take their zero value.
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="FormatException">The text is not a ctraffic statistics object.</exception>
    public static TrafficStatistics Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new FormatException("the statistics are empty");
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            return ReadElement(doc.RootElement);
        }
        catch (JsonException ex)
        {
            throw NotJson(ex);
        }
    }

    /// <summary>As <see cref="Read"/>, from a parsed document (read once from UTF-8 bytes by the analysis).</summary>
    /// <exception cref="FormatException">The element is not a ctraffic statistics object.</exception>
    internal static TrafficStatistics ReadElement(JsonElement root)
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
                        FromNanoseconds(GetInt64(s, "Time")),
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
                Duration = FromNanoseconds(GetInt64(root, "Duration")),
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
                PacingLagP99 = FromNanoseconds(GetInt64(root, "PacingLagP99")),
                PacingLagMax = FromNanoseconds(GetInt64(root, "PacingLagMax")),
                ConnStats = conns,
                Samples = samples,
            };
        }
        catch (JsonException ex)
        {
            throw NotJson(ex);
        }
    }

    /// <summary>The error for text that is not JSON, with where it stops being JSON.</summary>
    internal static FormatException NotJson(JsonException ex)
    {
        var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "";
        return new FormatException($"not valid JSON{where}", ex);
    }

    /// <summary>Formats a time as Go's RFC 3339 with nanoseconds: UTC, trailing zeros of the fraction left out.</summary>
    internal static string FormatRfc3339Nano(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var s = utc.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        var ticks = utc.Ticks % TimeSpan.TicksPerSecond;
        if (ticks != 0)
        {
            s += "." + (ticks * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        }

        return s + "Z";
    }

    /// <summary>Formats a number as Go's <c>encoding/json</c> does for a float64.</summary>
    internal static string FormatFloat(double value)
    {
        var abs = Math.Abs(value);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        {
            // Go: strconv 'e' format with a two-digit minimum exponent, e.g. 1e+21, 1e-07.
            var e = value.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
            var idx = e.IndexOf('e', StringComparison.Ordinal);
            if (idx < 0)
            {
                return e;
            }

            var mantissa = e[..idx];
            var exp = int.Parse(e[(idx + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            return mantissa + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("D2", CultureInfo.InvariantCulture);
        }

        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    internal static long Nanoseconds(TimeSpan t) => t.Ticks * 100;

    internal static TimeSpan FromNanoseconds(long ns) => TimeSpan.FromTicks(ns / 100);

    private static void AppendConnection(StringBuilder sb, ConnectionStats c)
    {
        sb.Append("{\"Started\":").Append(Nanoseconds(c.Started));
        sb.Append(",\"Connect\":").Append(c.Connected is { } t ? Nanoseconds(t) : 0);
        sb.Append(",\"Ended\":").Append(Nanoseconds(c.Ended));
        sb.Append(",\"Err\":");
        AppendString(sb, c.Error ?? "");
        sb.Append(",\"Sent\":").Append(c.Sent);
        sb.Append(",\"Received\":").Append(c.Received);
        sb.Append(",\"Dropped\":").Append(c.Dropped);
        sb.Append(",\"Retransmits\":").Append(c.Retransmits);
        sb.Append(",\"Local\":");
        AppendString(sb, c.Local);
        sb.Append(",\"Remote\":");
        AppendString(sb, c.Remote);
        if (c.Host.Length > 0)
        {
            sb.Append(",\"Host\":");
            AppendString(sb, c.Host);
        }

        if (c.FailedConnects > 0)
        {
            sb.Append(",\"FailedConnects\":").Append(c.FailedConnects);
        }

        sb.Append('}');
    }

    private static ConnectionStats ReadConnection(JsonElement c)
    {
        RequireObject(c, "ConnStats");
        var connect = GetInt64(c, "Connect");
        var err = GetString(c, "Err");
        return new ConnectionStats
        {
            Started = FromNanoseconds(GetInt64(c, "Started")),
            Connected = connect == 0 ? null : FromNanoseconds(connect),
            Ended = FromNanoseconds(GetInt64(c, "Ended")),
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
    {
        // Go writes up to 9 fractional digits; .NET keeps 7 (100 ns): cut the rest, never round.
        var text = s;
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < s.Length && char.IsAsciiDigit(s[end]))
            {
                end++;
            }

            text = s[..Math.Min(end, dot + 8)] + s[end..];
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToUniversalTime()
            : throw new FormatException($"field Started is not an RFC 3339 time: \"{s}\"");
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "not a value",
    };

    /// <summary>Appends a JSON string escaped as Go's encoding/json does (HTML-safe).</summary>
    internal static void AppendString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                    sb.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (ch < 0x20)
                    {
                        sb.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(ch);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
