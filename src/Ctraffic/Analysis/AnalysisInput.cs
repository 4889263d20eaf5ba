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

    /// <summary>Statistics in memory; their times have the 100 ns precision of <see cref="TimeSpan"/>.</summary>
    /// <param name="statistics">The statistics.</param>
    public static AnalysisInput FromStatistics(TrafficStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return new AnalysisInput(statistics, NanosecondTimes.From(statistics));
    }

    /// <summary>Reads ctraffic JSON (ours or the original's) with <see cref="StatisticsJson.Read"/>, keeping its nanoseconds.</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="FormatException">The text is not a ctraffic statistics object.</exception>
    public static AnalysisInput Parse(string json)
    {
        var statistics = StatisticsJson.Read(json);
        return new AnalysisInput(statistics, NanosecondTimes.FromJson(json, statistics));
    }

    /// <summary>
    /// As <see cref="Parse"/>, from UTF-8 bytes: parsed once and in place, with no copy of the text
    /// (a large <c>-stats all</c> file takes about its own size again, not three times).
    /// </summary>
    /// <param name="utf8Json">The JSON text as UTF-8.</param>
    /// <exception cref="FormatException">The text is not a ctraffic statistics object.</exception>
    public static AnalysisInput ParseUtf8(ReadOnlyMemory<byte> utf8Json)
    {
        if (utf8Json.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new FormatException("the statistics are empty");
        }

        try
        {
            using var doc = JsonDocument.Parse(utf8Json);
            var statistics = StatisticsJsonReader.Read(doc.RootElement);
            return new AnalysisInput(statistics, NanosecondTimes.FromElement(doc.RootElement, statistics));
        }
        catch (JsonException ex)
        {
            throw StatisticsJson.NotJson(ex);
        }
    }
}
