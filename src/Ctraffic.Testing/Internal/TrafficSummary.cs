using System.Globalization;
using System.Text;
using Ctraffic.Reports;
using Ctraffic.Statistics;

namespace Ctraffic.Testing.Internal;

/// <summary>
/// The one paragraph a test's output gets when its traffic stops: the counts, the outages, the
/// marks, the availability, and what each disruption did — one that touched no traffic says so.
/// </summary>
/// <remarks>Used by the test-framework glue.</remarks>
internal static class TrafficSummary
{
    public static string Paragraph(TrafficReport report, string? name = null)
    {
        var text = new StringBuilder(name is null ? "ctraffic " : $"ctraffic '{name}': ").Append(report).Append(". ");
        if (report.LostConnections.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{report.LostConnections.Count} lost: {ConnectionEnds.Summarize(report.LostConnections.Select(c => c.EndKind))}; ");
        }

        if (report.Requests is { } requests)
        {
            text.Append(CultureInfo.InvariantCulture, $"Requests: {requests}. ");
        }

        var outages = report.Outages;
        if (outages.Count == 0)
        {
            text.Append("No outages.");
        }
        else
        {
            var longest = outages.MaxBy(o => o.Duration)!;
            var connections = outages.Select(o => o.Connection).Distinct().Count();
            text.Append(CultureInfo.InvariantCulture, $"{outages.Count} outages on {connections} connections, the longest {S(longest.Duration)} on connection {longest.Connection} from {S(longest.Start)}");
            var open = outages.Count(o => !o.Recovered);
            if (open > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $", {open} not recovered");
            }

            if (report.RunOutages.Count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"; nothing got through for {S(report.LongestRunOutage)} from {S(report.RunOutages.MaxBy(w => w.Duration).Start)}");
            }

            text.Append('.');
        }

        if (report.Marks.Count > 0)
        {
            text.Append(" Marks: ").AppendJoin(", ", report.Marks.Select(m => m.End is { } end
                ? $"'{m.Name}' from {S(m.Time)} to {S(end)}"
                : $"'{m.Name}' at {S(m.Time)}")).Append('.');
        }

        text.Append(" Availability ").Append(report.Availability).Append('.');
        if (report.Disruptions.Count > 0)
        {
            text.Append(" Disruptions: ").AppendJoin("; ", report.Disruptions).Append('.');
        }

        return text.ToString();
    }

    private static string S(TimeSpan t) => t.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture) + " s";
}
