using Ctraffic.Internal;
using Ctraffic.Statistics;

namespace Ctraffic.Reports;

/// <summary>Everything a run recorded, shared by the whole-run report and its windows.</summary>
internal sealed class ReportData
{
    public required TrafficStatistics Statistics { get; init; }

    public required SliceLog Slices { get; init; }

    public required Func<long, TimeSpan> ToTime { get; init; }

    public required IReadOnlyList<Outage> Outages { get; init; }

    public required IReadOnlyList<Reconnect> Reconnects { get; init; }

    public required IReadOnlyList<Mark> Marks { get; init; }

    /// <summary>The marks that are disruptions, by index in <see cref="Marks"/>, with what crossed each if its source counted it.</summary>
    public IReadOnlyDictionary<int, DisruptionContact?> Disruptions { get; init; } = new Dictionary<int, DisruptionContact?>();

    /// <summary>Per connection: from its first echo to its end (or now), the time it counts for run outages.</summary>
    public required IReadOnlyList<TimeWindow> Lives { get; init; }

    public required TimeSpan PacketInterval { get; init; }

    /// <summary>How much later than due an echo may come and still be in time: a silence longer than one interval plus this is an outage.</summary>
    public TimeSpan OutageThreshold { get; init; }

    public required TimeSpan End { get; init; }

    /// <summary>Packets in flight when the data was taken (a live run), per slice part of their send time.</summary>
    public IReadOnlyDictionary<Slice, int> InFlight { get; init; } = new Dictionary<Slice, int>();

    /// <summary>Round trips per host and second, if the run recorded them.</summary>
    public HostRoundTrips? HostRtt { get; init; }

    /// <summary>For a report of a statistics file (<c>AnalysisInput.ToReport</c>): what the file gives and the slices cannot; <see langword="null"/> for a recorded run.</summary>
    public StatisticsFileFigures? File { get; init; }

    /// <summary>Whether the run was still going on when the data was taken (its slices still fill).</summary>
    public bool Live { get; init; }

    private IReadOnlyList<TimeWindow>? _runOutages;

    /// <summary>Spans in which every connection that had echoed was in an outage.</summary>
    public IReadOnlyList<TimeWindow> RunOutages => _runOutages ??= ComputeRunOutages();

    private List<TimeWindow> ComputeRunOutages()
    {
        // Sweep: +live at a connection's first echo, -live at its end; +out / -out per outage.
        var events = new List<(TimeSpan Time, int Live, int Out)>();
        foreach (var life in Lives)
        {
            events.Add((life.Start, 1, 0));
            events.Add((life.End, -1, 0));
        }

        foreach (var o in Outages)
        {
            events.Add((o.Start, 0, 1));
            events.Add((o.End, 0, -1));
        }

        // At equal times: outages start before lives end, and end before lives start.
        events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : Rank(a).CompareTo(Rank(b)));
        var result = new List<TimeWindow>();
        int live = 0, down = 0;
        TimeSpan? start = null;
        foreach (var (time, l, o) in events)
        {
            live += l;
            down += o;
            var all = live > 0 && down >= live;
            if (all && start is null)
            {
                start = time;
            }
            else if (!all && start is { } s)
            {
                if (time > s)
                {
                    result.Add(new TimeWindow(s, time));
                }

                start = null;
            }
        }

        return result;

        static int Rank((TimeSpan Time, int Live, int Out) e) => e.Out switch
        {
            1 => 0,
            -1 => 1,
            _ => e.Live > 0 ? 2 : 3,
        };
    }
}
