using System.Text.Json;
using Ctraffic.Statistics;

namespace Ctraffic.Analysis;

/// <summary>
/// The times the analyses use, as the integer nanoseconds of the JSON. <see cref="TimeSpan"/> keeps
/// 100 ns, but the original writes nanoseconds and prints times and rates computed from them, so
/// reading them again from the text is what makes our output identical to the original's.
/// </summary>
internal sealed class NanosecondTimes
{
    internal NanosecondTimes(long duration, long[] samples, ConnectionTimes[] connections)
    {
        Duration = duration;
        Samples = samples;
        Connections = connections;
    }

    /// <summary>The run's duration.</summary>
    public long Duration { get; }

    /// <summary>The time of each sample, in the order of <see cref="TrafficStatistics.Samples"/>.</summary>
    public IReadOnlyList<long> Samples { get; }

    /// <summary>The times of each slot, in the order of <see cref="TrafficStatistics.ConnStats"/>.</summary>
    public IReadOnlyList<ConnectionTimes> Connections { get; }

    /// <summary>The times of statistics in memory (to 100 ns, the precision of <see cref="TimeSpan"/>).</summary>
    public static NanosecondTimes From(TrafficStatistics stats)
        => new(
            Ns(stats.Duration),
            [.. stats.Samples.Select(s => Ns(s.Time))],
            [.. stats.ConnStats.Select(c => new ConnectionTimes(Ns(c.Started), c.Connected is { } t ? Ns(t) : 0, Ns(c.Ended), c.Failed))]);

    /// <summary>
    /// The exact times of <paramref name="json"/>, which <see cref="StatisticsJson.Read"/> has read
    /// into <paramref name="stats"/> (so its shape is known to be valid). Falls back to
    /// <see cref="From"/> should the arrays not line up.
    /// </summary>
    public static NanosecondTimes FromJson(string json, TrafficStatistics stats)
    {
        using var doc = JsonDocument.Parse(json);
        return FromElement(doc.RootElement, stats);
    }

    /// <summary>As <see cref="FromJson"/>, from the parsed document.</summary>
    public static NanosecondTimes FromElement(JsonElement root, TrafficStatistics stats)
    {
        var samples = Array(root, "Samples").Select(s => Int64(s, "Time")).ToArray();
        var connections = Array(root, "ConnStats");
        if (samples.Length != stats.Samples.Count || connections.Length != stats.ConnStats.Count)
        {
            return From(stats);
        }

        return new NanosecondTimes(
            Int64(root, "Duration"),
            samples,
            [.. connections.Select((c, i) => new ConnectionTimes(Int64(c, "Started"), Int64(c, "Connect"), Int64(c, "Ended"), stats.ConnStats[i].Failed))]);
    }

    private static long Ns(TimeSpan t) => t.Ticks * 100;

    private static JsonElement[] Array(JsonElement root, string name)
        => root.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? [.. a.EnumerateArray()] : [];

    private static long Int64(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n)
            ? n
            : 0;
}
