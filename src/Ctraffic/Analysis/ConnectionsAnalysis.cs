using Ctraffic.GoCompat;
using Ctraffic.Statistics;

namespace Ctraffic.Analysis;

/// <summary>
/// <c>-analyze connections</c>: one row per whole second <c>T</c> before the end of the run, for the
/// interval <c>(T-1 s, T)</c>. A slot that ended before the interval is not counted; one that ended
/// in it counts as Failed if it ended with an error; one still open at <c>T</c> counts as New if it was
/// taken in the interval, and as Active if it had connected by <c>T</c>, else as Connecting.
/// </summary>
internal static class ConnectionsAnalysis
{
    public const string NoConnections = "No connection statistics found (the run needs -stats all)";
    public const string NeverEnded = "A connection has never ended";

    /// <summary>More rows than this (about 115 days) means a broken file, not a run.</summary>
    public const long MaximumIntervals = 10_000_000;

    public static IReadOnlyList<ConnectionsRow> Run(AnalysisInput input)
    {
        var connections = input.Times.Connections;
        if (connections.Count == 0)
        {
            throw new AnalysisException(NoConnections);
        }

        var duration = input.Times.Duration;
        var intervals = duration <= GoSeconds.Second ? 0 : (duration - 1) / GoSeconds.Second;
        if (intervals > MaximumIntervals)
        {
            throw new AnalysisException($"The duration {GoSeconds.From(duration)}s is too long to analyze");
        }

        if (intervals > 0 && connections.Any(c => c.Ended == 0))
        {
            throw new AnalysisException(NeverEnded);
        }

        var rows = new List<ConnectionsRow>((int)intervals);
        for (long end = GoSeconds.Second; end < duration; end += GoSeconds.Second)
        {
            rows.Add(Row(connections, end - GoSeconds.Second, end));
        }

        return rows;
    }

    private static ConnectionsRow Row(IReadOnlyList<ConnectionTimes> connections, long start, long end)
    {
        int active = 0, added = 0, failed = 0, connecting = 0;
        foreach (var c in connections)
        {
            if (c.Ended < start)
            {
                continue;
            }

            if (c.Ended < end)
            {
                if (c.Failed)
                {
                    failed++;
                }

                continue;
            }

            if (c.Started > end)
            {
                continue;
            }

            if (c.Started > start)
            {
                added++;
            }

            if (c.Connect == 0 || c.Connect > end)
            {
                connecting++;
            }
            else
            {
                active++;
            }
        }

        return new ConnectionsRow(GoSeconds.From(start + (GoSeconds.Second / 2)), active, added, failed, connecting);
    }
}
