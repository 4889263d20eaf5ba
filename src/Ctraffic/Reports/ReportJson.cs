using System.Text;
using Ctraffic.GoCompat;
using Ctraffic.Statistics;

namespace Ctraffic.Reports;

/// <summary>The ctraffic JSON with the report's added fields (readers of the original ignore them).</summary>
internal static class ReportJson
{
    /// <summary>The statistics at <paramref name="detail"/> with the round trips added: <c>Rtt</c> and <c>CorrectedRtt</c>.</summary>
    public static string WriteStatistics(TrafficReport report, ReportData data, StatisticsDetail detail)
        => StatisticsJson.Write(data.Statistics, detail, sb => RoundTrips(sb, report));

    public static string Write(TrafficReport report, ReportData data)
        => StatisticsJson.Write(data.Statistics, StatisticsDetail.All, sb =>
        {
            RoundTrips(sb, report);
            sb.Append(",\"Outages\":[");
            Join(sb, report.Outages, (b, o) => b
                .Append("{\"Connection\":").Append(o.Connection)
                .Append(",\"Start\":").Append(Ns(o.Start))
                .Append(",\"End\":").Append(Ns(o.End))
                .Append(",\"Recovered\":").Append(o.Recovered ? "true" : "false").Append('}'));
            sb.Append("],\"RunOutages\":[");
            Join(sb, report.RunOutages, (b, w) => b.Append("{\"Start\":").Append(Ns(w.Start)).Append(",\"End\":").Append(Ns(w.End)).Append('}'));
            sb.Append("],\"Marks\":[");
            Join(sb, report.Marks, (b, m) =>
            {
                b.Append("{\"Name\":");
                GoJsonWriter.AppendString(b, m.Name);
                b.Append(",\"Time\":").Append(Ns(m.Time));
                if (m.End is { } end)
                {
                    b.Append(",\"End\":").Append(Ns(end));
                }

                b.Append('}');
            });
            sb.Append(']');
            var availability = report.Availability;
            sb.Append(",\"Availability\":");
            Availability(sb, availability);
            sb.Append(",\"Disruptions\":[");
            Join(sb, report.Disruptions, Effect);
            sb.Append(']');
        });

    private static void RoundTrips(StringBuilder sb, TrafficReport report)
    {
        Rtt(sb, "Rtt", report.Rtt);
        Rtt(sb, "CorrectedRtt", report.CorrectedRtt);
    }

    /// <summary>A round-trip object: its fields as the statistics reader reads them (<see cref="StatisticsJsonReader.RttFields"/>).</summary>
    private static void Rtt(StringBuilder sb, string name, RttStatistics rtt)
    {
        var fields = StatisticsJsonReader.RttFields;
        sb.Append(",\"").Append(name).Append("\":{\"").Append(fields[0]).Append("\":").Append(rtt.Count);
        var times = rtt.Times();
        for (var i = 0; i < times.Length; i++)
        {
            sb.Append(",\"").Append(fields[i + 1]).Append("\":").Append(Ns(times[i]));
        }

        sb.Append('}');
    }

    private static void Availability(StringBuilder sb, Availability a)
        => sb.Append("{\"Due\":").Append(GoFloat.Format(Math.Round(a.Due, 3)))
             .Append(",\"Unanswered\":").Append(GoFloat.Format(Math.Round(a.Unanswered, 3)))
             .Append(",\"Percent\":").Append(GoFloat.Format(Math.Round(a.Percent, 4))).Append('}');

    private static void Effect(StringBuilder b, DisruptionEffect e)
    {
        b.Append("{\"Name\":");
        GoJsonWriter.AppendString(b, e.Name);
        b.Append(",\"Start\":").Append(Ns(e.Mark.Time));
        if (e.Mark.End is { } end)
        {
            b.Append(",\"End\":").Append(Ns(end));
        }

        b.Append(",\"TouchedTraffic\":").Append(e.TouchedTraffic ? "true" : "false")
         .Append(",\"LostConnections\":").Append(e.LostConnections)
         .Append(",\"InterruptedConnections\":").Append(e.InterruptedConnections)
         .Append(",\"PacketsLost\":").Append(e.PacketsLost)
         .Append(",\"LongestOutage\":").Append(Ns(e.LongestOutage));
        if (e.TimeToRecover is { } recover)
        {
            b.Append(",\"TimeToRecover\":").Append(Ns(recover));
        }

        b.Append(",\"Availability\":");
        Availability(b, e.Availability);
        b.Append(",\"Hosts\":[");
        Join(b, e.Hosts, (h, host) =>
        {
            h.Append("{\"Host\":");
            GoJsonWriter.AppendString(h, host.Host);
            h.Append(",\"LostConnections\":").Append(host.LostConnections)
             .Append(",\"InterruptedConnections\":").Append(host.InterruptedConnections)
             .Append(",\"LongestOutage\":").Append(Ns(host.LongestOutage)).Append('}');
        });
        b.Append(']');
        if (e.Contact is { } contact)
        {
            b.Append(",\"Contact\":{\"Source\":");
            GoJsonWriter.AppendString(b, contact.Source);
            b.Append(",\"Connections\":").Append(contact.Connections)
             .Append(",\"Packets\":").Append(contact.Packets)
             .Append(",\"Bytes\":").Append(contact.Bytes).Append('}');
        }

        b.Append('}');
    }

    private static long Ns(TimeSpan t) => StatisticsJson.Nanoseconds(t);

    private static void Join<T>(StringBuilder sb, IEnumerable<T> items, Action<StringBuilder, T> write)
    {
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                sb.Append(',');
            }

            write(sb, item);
            first = false;
        }
    }
}
