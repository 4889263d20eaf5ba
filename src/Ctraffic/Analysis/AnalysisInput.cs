using System.Text.Json;
using Ctraffic.Statistics;

namespace Ctraffic.Analysis;

/// <summary>
/// Statistics to analyze, with their times to the nanosecond when read from JSON. Files of the
/// original ctraffic hold nanoseconds, which <see cref="TimeSpan"/> rounds to 100 ns; the analyses
/// use the exact values so that their output is the original's, digit for digit.
/// </summary>
public sealed partial class AnalysisInput
{
    private AnalysisInput(TrafficStatistics statistics, NanosecondTimes times)
    {
        Statistics = statistics;
        Times = times;
    }

    /// <summary>The statistics.</summary>
    public TrafficStatistics Statistics { get; }

    internal NanosecondTimes Times { get; }

    /// <summary>The whole run's round trips, when the file holds them (ours does, the original's does not; a merge does not).</summary>
    internal Reports.RttStatistics? Rtt { get; private init; }

    /// <summary>
    /// The report of these statistics (<see cref="Reports.ReportHtml"/> writes it as a page): the
    /// counters, the connections and their hosts and losses, the rates of the samples (spread evenly
    /// over each interval between two samples) and, from our own files, the round trips. What a file
    /// does not hold, it leaves out rather than guessing: outages, availability, marks, per-host round trips.
    /// </summary>
    /// <returns>The report of the whole run.</returns>
    /// <exception cref="AnalysisException">The statistics have no connection records (<c>-stats all</c>), or the run is longer than a report covers (<see cref="Reports.TrafficReport.MaxSlidingWindow"/>).</exception>
    public Reports.TrafficReport ToReport() => StatisticsReport.Of(Statistics, Rtt);

    /// <summary>Statistics in memory; their times have the 100 ns precision of <see cref="TimeSpan"/>.</summary>
    /// <param name="statistics">The statistics.</param>
    public static AnalysisInput FromStatistics(TrafficStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return new AnalysisInput(statistics, NanosecondTimes.From(statistics));
    }

    /// <summary>Reads ctraffic JSON (ours or the original's) as <see cref="StatisticsJson.Read"/> does, keeping its nanoseconds.</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="FormatException">The text is not a ctraffic statistics object.</exception>
    public static AnalysisInput Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return ParseOnce(string.IsNullOrWhiteSpace(json), () => JsonDocument.Parse(json));
    }

    /// <summary>
    /// As <see cref="Parse"/>, from UTF-8 bytes: parsed once and in place, with no copy of the text
    /// (a large <c>-stats all</c> file takes about its own size again, not three times).
    /// </summary>
    /// <param name="utf8Json">The JSON text as UTF-8.</param>
    /// <exception cref="FormatException">The text is not a ctraffic statistics object.</exception>
    public static AnalysisInput ParseUtf8(ReadOnlyMemory<byte> utf8Json)
        => ParseOnce(utf8Json.Span.Trim(" \t\r\n"u8).IsEmpty, () => JsonDocument.Parse(utf8Json));

    /// <summary>One parse of the document, one pass over it for the statistics and their exact times.</summary>
    private static AnalysisInput ParseOnce(bool empty, Func<JsonDocument> parse)
    {
        if (empty)
        {
            throw new FormatException("the statistics are empty");
        }

        try
        {
            using var doc = parse();
            var (statistics, times) = StatisticsJsonReader.ReadExact(doc.RootElement);
            return new AnalysisInput(statistics, times) { Rtt = StatisticsReport.RoundTrips(StatisticsJsonReader.ReadRtt(doc.RootElement)) };
        }
        catch (JsonException ex)
        {
            throw StatisticsJson.NotJson(ex);
        }
    }
}
