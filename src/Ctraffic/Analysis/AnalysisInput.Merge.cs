using Ctraffic.Statistics;

namespace Ctraffic.Analysis;

/// <summary>The merge of several runs' statistics, e.g. one file per client pod of a scaled-out run.</summary>
public sealed partial class AnalysisInput
{
    private AnalysisInput(TrafficStatistics statistics, NanosecondTimes times, IReadOnlyList<MergedPart> parts)
        : this(statistics, times)
    {
        Parts = parts;
    }

    /// <summary>The runs this input merges, each with its offset from the earliest start; empty for one run.</summary>
    internal IReadOnlyList<MergedPart> Parts { get; } = [];

    /// <summary>
    /// Merges the statistics of runs made at the same time (one per client), aligned on the wall
    /// clock: each run's <see cref="TrafficStatistics.Started"/> gives its offset from the earliest
    /// start, which is the start of the merge. Counters and per-host counts are summed, every
    /// connection slot is kept (its times moved by its run's offset), and the throughput analysis sums
    /// the runs' rates second by second. One input is returned as it is, so its analyses are unchanged.
    /// </summary>
    /// <param name="inputs">The runs, at least one; all with the same packet size.</param>
    /// <exception cref="ArgumentException">There are no inputs.</exception>
    /// <exception cref="AnalysisException">Their packet sizes differ.</exception>
    public static AnalysisInput Merge(IEnumerable<AnalysisInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var all = inputs.ToArray();
        if (all.Length == 0)
        {
            throw new ArgumentException("There are no statistics to merge.", nameof(inputs));
        }

        if (all.Length == 1)
        {
            return all[0];
        }

        var (statistics, times, parts) = StatisticsMerge.Run(all);
        return new AnalysisInput(statistics, times, parts);
    }
}
