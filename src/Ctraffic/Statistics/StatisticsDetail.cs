namespace Ctraffic.Statistics;

/// <summary>How much of the statistics a run keeps and prints (the original's <c>-stats</c> flag).</summary>
public enum StatisticsDetail
{
    /// <summary>Nothing is printed.</summary>
    None,

    /// <summary>The summary counters only (the default).</summary>
    Summary,

    /// <summary>The summary, one record per connection slot (<c>ConnStats</c>) and the per-second <c>Samples</c>.</summary>
    All,
}
