using System.Text;
using System.Text.Json;
using Ctraffic.GoCompat;

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
        GoJsonWriter.AppendString(sb, GoTime.FormatRfc3339Nano(stats.Started));
        sb.Append(",\"Duration\":").Append(Nanoseconds(stats.Duration));
        sb.Append(",\"Rate\":").Append(GoJsonWriter.FormatFloat(stats.Rate));
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

        if (stats.Http is { } http)
        {
            AppendHttp(sb, http);
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
            return StatisticsJsonReader.Read(doc.RootElement);
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

    internal static long Nanoseconds(TimeSpan t) => t.Ticks * 100;

    internal static TimeSpan FromNanoseconds(long ns) => TimeSpan.FromTicks(ns / 100);

    /// <summary>The added fields of an HTTP run (ours; the original has none of them).</summary>
    private static void AppendHttp(StringBuilder sb, HttpStatistics http)
    {
        sb.Append(",\"Client\":");
        GoJsonWriter.AppendString(sb, http.Client);
        sb.Append(",\"ErrorResponses\":").Append(http.ErrorResponses);
        sb.Append(",\"FailedRequests\":").Append(http.FailedRequests);
        sb.Append(",\"ClosedByServer\":").Append(http.ClosedByServer);
        sb.Append(",\"WireAttempts\":").Append(http.WireAttempts);
        sb.Append(",\"WireFailures\":").Append(http.WireFailures);
        sb.Append(",\"Statuses\":{");
        var first = true;
        foreach (var (status, count) in http.Statuses)
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            GoJsonWriter.AppendString(sb, status);
            sb.Append(':').Append(count);
        }

        sb.Append('}');
    }

    private static void AppendConnection(StringBuilder sb, ConnectionStats c)
    {
        sb.Append("{\"Started\":").Append(Nanoseconds(c.Started));
        sb.Append(",\"Connect\":").Append(c.Connected is { } t ? Nanoseconds(t) : 0);
        sb.Append(",\"Ended\":").Append(Nanoseconds(c.Ended));
        sb.Append(",\"Err\":");
        GoJsonWriter.AppendString(sb, c.Error ?? "");
        sb.Append(",\"Sent\":").Append(c.Sent);
        sb.Append(",\"Received\":").Append(c.Received);
        sb.Append(",\"Dropped\":").Append(c.Dropped);
        sb.Append(",\"Retransmits\":").Append(c.Retransmits);
        sb.Append(",\"Local\":");
        GoJsonWriter.AppendString(sb, c.Local);
        sb.Append(",\"Remote\":");
        GoJsonWriter.AppendString(sb, c.Remote);
        if (c.Host.Length > 0)
        {
            sb.Append(",\"Host\":");
            GoJsonWriter.AppendString(sb, c.Host);
        }

        if (c.FailedConnects > 0)
        {
            sb.Append(",\"FailedConnects\":").Append(c.FailedConnects);
        }

        if (c.EndKind is not (ConnectionEndKind.Completed or ConnectionEndKind.Open))
        {
            sb.Append(",\"EndKind\":\"").Append(c.EndKind.ToString()).Append('"');
        }

        sb.Append('}');
    }
}
