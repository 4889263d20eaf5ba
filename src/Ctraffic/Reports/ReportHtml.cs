using System.Globalization;
using System.Net;
using System.Text;
using Ctraffic.Statistics;

namespace Ctraffic.Reports;

/// <summary>
/// A <see cref="TrafficReport"/> as one self-contained HTML page a person reads: no scripts, no
/// external resources (styles inline, the timeline an inline SVG), so it opens from a test's
/// attachments or a CI artefact as it is. It holds the service level (availability, the worst
/// second, outages, round trips), the timeline, what each disruption did, the windows of the
/// marks, the hosts and the round-trip percentiles. Each table has an id (<c>service-level</c>,
/// <c>disruptions</c>, <c>windows</c>, <c>hosts</c>, <c>round-trips</c>) for tools; a disruption that
/// touched no traffic is a row of class <c>untouched</c>. The page of a statistics file
/// (<c>AnalysisInput.ToReport</c>) writes "not in the statistics file" for each figure the file does not hold.
/// </summary>
public static class ReportHtml
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    /// <summary>What a report of a statistics file says of a figure the file does not hold.</summary>
    private const string NotInFile = "not in the statistics file";

    /// <summary>The page of <paramref name="report"/> (the whole run, or the window it covers).</summary>
    /// <param name="report">The report, e.g. from <c>ContinuousTraffic.StopAsync</c>.</param>
    /// <param name="title">The page's title; <see langword="null"/> for <c>ctraffic report</c> (and the window's name).</param>
    /// <returns>The HTML text (UTF-8 when written to a file).</returns>
    public static string Write(TrafficReport report, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        title ??= report.Name is null ? "ctraffic report" : $"ctraffic report: {report.Description}";
        var html = new StringBuilder(16 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(title)).Append("</title>\n")
            .Append("<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n<h1>").Append(E(title)).Append("</h1>\n");
        Run(html, report);
        ServiceLevel(html, report);
        html.Append("<h2>Timeline</h2>\n");
        if (report.File is not null)
        {
            html.Append("<p>From the statistics file: the echoes received between two samples (about one a second) as their average rate, " +
                        "and the connections lost when they ended. When each connection was in an outage is not in the file.</p>\n");
        }

        html.Append("<figure>").Append(ReportSvg.Timeline(report)).Append("</figure>\n");
        Disruptions(html, report);
        Windows(html, report);
        Hosts(html, report);
        RoundTrips(html, report);
        return html.Append("</body>\n</html>\n").ToString();
    }

    private const string Style =
        "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}\n" +
        "table{border-collapse:collapse;margin:0.5em 0 1.5em}\n" +
        "th,td{border:1px solid #ccc;padding:0.25em 0.6em;text-align:right}\n" +
        "th:first-child,td:first-child{text-align:left}\n" +
        "th{background:#f2f2f2}\n" +
        "tr.untouched td{background:#fff3cd}\n" +
        "td.bad{color:#a40000;font-weight:bold}\n" +
        "figure{margin:0}\n";

    private static void Run(StringBuilder html, TrafficReport report)
    {
        var stats = report.Statistics;
        html.Append("<p>").Append(E(report.Name is null ? "The run" : report.Description)).Append(", ").Append(E(report.Period.ToString()))
            .Append(" from the start of a run begun ").Append(E(stats.Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)))
            .Append(": ").Append(stats.Connections).Append(" connections, ").Append(E(N(stats.Rate))).Append(" KB/s, packets of ").Append(stats.PacketSize)
            .Append(" bytes, one every ").Append(E(Ms(report.PacketInterval))).Append(" per connection.</p>\n");
        if (report.File is not null)
        {
            html.Append("<p>Read from a statistics file: it holds one record per connection and the counters about once a second, " +
                        "not the record of every packet a run keeps, so the outages, the availability, the marks and the round trips of a part of the run are not in it.</p>\n");
        }
    }

    private static void ServiceLevel(StringBuilder html, TrafficReport report)
    {
        var file = report.File;
        html.Append("<h2>Service level</h2>\n<table id=\"service-level\">\n<tr><th>figure</th><th>value</th></tr>\n");
        if (file is null)
        {
            var availability = report.Availability;
            var windows = report.Period.Duration > TimeSpan.Zero ? report.SlidingAvailability(Second) : [];
            var worst = windows.Count == 0 ? (AvailabilityWindow?)null : windows.MinBy(w => w.Availability.Percent);
            Row(html, "availability (due packets answered in time)", availability.ToString(), availability.Percent < 100);
            Row(html, "worst 1 s window", worst is { } w ? $"{w.Availability} from {TimeWindow.Seconds(w.Window.Start)} to {TimeWindow.Seconds(w.Window.End)}" : "none", worst is { } bad && bad.Availability.Percent < 100);
            Row(html, "longest outage of a connection", TimeWindow.Seconds(report.LongestOutage), report.LongestOutage > TimeSpan.Zero);
            Row(html, "longest time nothing got through", TimeWindow.Seconds(report.LongestRunOutage), report.LongestRunOutage > TimeSpan.Zero);
            Row(html, "sent / received / in flight", $"{report.Sent} / {report.Received} / {report.InFlight}", false);
        }
        else
        {
            Row(html, "availability (due packets answered in time)", NotInFile, false);
            Row(html, "worst 1 s window", NotInFile, false);
            Row(html, "longest outage of a connection", NotInFile, false);
            Row(html, "longest time nothing got through", NotInFile, false);
            Row(html, "sent / received / unanswered at the end", $"{report.Sent} / {report.Received} / {report.InFlight}", false);
        }

        if (report.Requests is { } requests)
        {
            Row(html, "requests", requests.ToString(), requests.ErrorResponses + requests.Failed > 0);
        }

        if (report.Name is null && report.Statistics.Http is { Statuses.Count: > 0 } http)
        {
            Row(html, "responses by status", string.Join(", ", http.Statuses.OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} x{s.Value}")), false);
        }

        Row(html, "packets lost", report.PacketsLost.ToString(CultureInfo.InvariantCulture), report.PacketsLost > 0);
        Row(html, "packets dropped (sender behind its pace)", report.Dropped.ToString(CultureInfo.InvariantCulture), report.Dropped > 0);
        Row(html, "lost connections", report.FailedConnections == 0 ? "0" : $"{report.FailedConnections} ({ConnectionEnds.Summarize(report.LostConnections.Select(c => c.EndKind))})", report.FailedConnections > 0);
        Row(html, "longest recovery of a lost connection", file is null ? TimeWindow.Seconds(report.LongestRecovery) : NotInFile, false);
        Row(html, "round trip p99", file is { Rtt: null } ? NotInFile : report.Rtt.Count == 0 ? "no round trips" : Ms(report.Rtt.P99), false);
        Row(html, "TCP retransmits", report.Retransmits.ToString(CultureInfo.InvariantCulture), false);
        html.Append("</table>\n");
    }

    private static void Disruptions(StringBuilder html, TrafficReport report)
    {
        html.Append("<h2>Disruptions</h2>\n");
        if (report.Disruptions.Count == 0)
        {
            html.Append(report.File is null ? "<p>None.</p>\n" : "<p>None: the statistics file has no marks.</p>\n");
            return;
        }

        html.Append("<table id=\"disruptions\">\n<tr><th>disruption</th><th>from</th><th>to</th><th>touched traffic</th><th>lost connections</th><th>interrupted</th>" +
                    "<th>packets lost</th><th>longest outage</th><th>recovered after its end</th><th>availability</th><th>hosts</th><th>what crossed it</th></tr>\n");
        foreach (var d in report.Disruptions)
        {
            html.Append(d.TouchedTraffic ? "<tr>" : "<tr class=\"untouched\">")
                .Append(Td(d.Name)).Append(Td(TimeWindow.Seconds(d.Mark.Time))).Append(Td(d.Mark.End is { } end ? TimeWindow.Seconds(end) : "not ended"))
                .Append(Td(d.TouchedTraffic ? "yes" : "no", !d.TouchedTraffic))
                .Append(Td(d.LostConnections)).Append(Td(d.InterruptedConnections)).Append(Td(d.PacketsLost))
                .Append(Td(TimeWindow.Seconds(d.LongestOutage))).Append(Td(d.TimeToRecover is { } t ? TimeWindow.Seconds(t) : d.Mark.End is null ? "going on" : "not recovered", d.TimeToRecover is null))
                .Append(Td(d.Availability.ToString()))
                .Append(Td(d.Hosts.Count == 0 ? "none" : string.Join(", ", d.Hosts.Select(h => h.ToString()))))
                .Append(Td(d.Contact?.ToString() ?? "not counted")).Append("</tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void Windows(StringBuilder html, TrafficReport report)
    {
        var marks = report.Marks.Where(m => report.Includes(m.Time)).ToList();
        html.Append("<h2>Windows</h2>\n");
        if (marks.Count == 0)
        {
            html.Append(report.File is null ? "<p>No marks.</p>\n" : "<p>No marks: the statistics file has none.</p>\n");
            return;
        }

        html.Append("<table id=\"windows\">\n<tr><th>window</th><th>from</th><th>to</th><th>sent</th><th>received</th><th>lost</th><th>dropped</th>" +
                    "<th>lost connections</th><th>longest outage</th><th>availability</th><th>p99 round trip</th></tr>\n");
        foreach (var (mark, i) in marks.Select((m, i) => (m, i)))
        {
            var name = report.Marks.Count(m => m.Name == mark.Name) == 1 ? mark.Name : $"{mark.Name}#{report.Marks.TakeWhile(m => m != mark).Count(m => m.Name == mark.Name) + 1}";
            var w = report.Window(name);
            html.Append("<tr>").Append(Td(name)).Append(Td(TimeWindow.Seconds(w.Period.Start))).Append(Td(TimeWindow.Seconds(w.Period.End)))
                .Append(Td(w.Sent)).Append(Td(w.Received)).Append(Td(w.PacketsLost, w.PacketsLost > 0)).Append(Td(w.Dropped))
                .Append(Td(w.FailedConnections, w.FailedConnections > 0)).Append(Td(TimeWindow.Seconds(w.LongestOutage)))
                .Append(Td(w.Availability.ToString(), w.Availability.Percent < 100)).Append(Td(w.Rtt.Count == 0 ? "none" : Ms(w.Rtt.P99))).Append("</tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void Hosts(StringBuilder html, TrafficReport report)
    {
        html.Append("<h2>Hosts</h2>\n");
        if (report.Hosts.Count == 0)
        {
            html.Append("<p>No connection.</p>\n");
            return;
        }

        html.Append("<table id=\"hosts\">\n<tr><th>host</th><th>connections</th><th>lost</th><th>how lost</th><th>sent</th><th>received</th><th>longest outage</th><th>p50 round trip</th><th>p99 round trip</th></tr>\n");
        foreach (var h in report.Hosts)
        {
            html.Append("<tr>").Append(Td(h.Host)).Append(Td(h.Connections)).Append(Td(h.Lost, h.Lost > 0))
                .Append(Td(h.LostByKind.Count == 0 ? "" : string.Join(", ", h.LostByKind.Select(k => $"{k.Value} {ConnectionEnds.Describe(k.Key)}"))))
                .Append(Td(h.Sent)).Append(Td(h.Received));
            if (report.File is null)
            {
                html.Append(Td(TimeWindow.Seconds(h.LongestOutage)))
                    .Append(Td(h.Rtt is { Count: > 0 } r ? Ms(r.P50) : "")).Append(Td(h.Rtt is { Count: > 0 } q ? Ms(q.P99) : "")).Append("</tr>\n");
            }
            else
            {
                html.Append(Td(NotInFile)).Append(Td(NotInFile)).Append(Td(NotInFile)).Append("</tr>\n");
            }
        }

        html.Append("</table>\n");
    }

    private static void RoundTrips(StringBuilder html, TrafficReport report)
    {
        var rtt = report.Rtt;
        html.Append("<h2>Round-trip times</h2>\n<table id=\"round-trips\">\n<tr><th>count</th><th>min</th><th>mean</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>\n<tr>");
        if (report.File is { Rtt: null })
        {
            html.Append("<td colspan=\"8\">").Append(E(NotInFile + " (the original ctraffic keeps no round-trip times)")).Append("</td></tr>\n</table>\n");
            return;
        }

        html.Append(Td(rtt.Count));
        foreach (var t in rtt.Times())
        {
            html.Append(Td(rtt.Count == 0 ? "" : Ms(t)));
        }

        html.Append("</tr>\n</table>\n");
    }

    private static void Row(StringBuilder html, string figure, string value, bool bad)
        => html.Append("<tr>").Append(Td(figure)).Append(Td(value, bad)).Append("</tr>\n");

    private static string Td(long value, bool bad = false) => Td(value.ToString(CultureInfo.InvariantCulture), bad);

    private static string Td(string text, bool bad = false) => (bad ? "<td class=\"bad\">" : "<td>") + E(text) + "</td>";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string N(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms";
}
