using System.Text;
using Ctraffic.GoCompat;
using Ctraffic.Statistics;

namespace Ctraffic.Reports;

/// <summary>The ctraffic JSON with the report's added fields (readers of the original ignore them).</summary>
internal static class ReportJson
{
    public static string Write(TrafficReport report, ReportData data)
        => StatisticsJson.Write(data.Statistics, StatisticsDetail.All, sb =>
        {
            var rtt = report.Rtt;
            sb.Append(",\"Rtt\":{\"Count\":").Append(rtt.Count)
              .Append(",\"Min\":").Append(Ns(rtt.Min))
              .Append(",\"Mean\":").Append(Ns(rtt.Mean))
              .Append(",\"P50\":").Append(Ns(rtt.P50))
              .Append(",\"P90\":").Append(Ns(rtt.P90))
              .Append(",\"P99\":").Append(Ns(rtt.P99))
              .Append(",\"P999\":").Append(Ns(rtt.P999))
              .Append(",\"Max\":").Append(Ns(rtt.Max)).Append('}');
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
        });

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
