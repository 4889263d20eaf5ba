using Ctraffic.Statistics;

namespace Ctraffic.Analysis;

/// <summary>
/// Reads the statistics files of a scaled-out run (one <c>-stats all</c> JSON file per client,
/// e.g. per pod of a Kubernetes Job) as one run, so that a test asserts on the whole of it:
/// <c>var stats = StatisticsFiles.Read(StatisticsFiles.Expand("out/*.json"));</c>
/// then <c>stats.FailedConnections</c> or <c>TrafficAnalysis.Hosts(stats)</c>.
/// </summary>
public static class StatisticsFiles
{
    /// <summary>Reads and merges the files with <see cref="AnalysisInput.Merge"/>; one file is read as it is.</summary>
    /// <param name="paths">The files, at least one.</param>
    /// <returns>The merged statistics: counters summed, every slot kept, samples every second of the merged time line.</returns>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="FormatException">A file is not ctraffic statistics; the message names it.</exception>
    /// <exception cref="ArgumentException">There are no paths.</exception>
    /// <exception cref="AnalysisException">The files' packet sizes differ.</exception>
    public static TrafficStatistics Read(IEnumerable<string> paths) => ReadForAnalysis(paths).Statistics;

    /// <summary>As <see cref="Read"/>, for <see cref="TrafficAnalysis"/> with the files' exact nanoseconds.</summary>
    /// <param name="paths">The files, at least one.</param>
    /// <inheritdoc cref="Read" path="/exception"/>
    public static AnalysisInput ReadForAnalysis(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return AnalysisInput.Merge(paths.Select(ReadOne).ToArray());
    }

    /// <summary>
    /// The files of a list as <c>-stat_file</c> takes it: names separated by commas, each of which may
    /// have <c>*</c> and <c>?</c> in its last part (<c>out/client-*.json</c>), matched in its folder and
    /// sorted by name. Other names are returned as they are, whether the file exists or not.
    /// </summary>
    /// <param name="list">The list, e.g. <c>a.json,b.json</c> or <c>out/*.json</c>.</param>
    /// <exception cref="ArgumentException">The list names no file.</exception>
    /// <exception cref="FileNotFoundException">A pattern matches no file (the message names it).</exception>
    public static IReadOnlyList<string> Expand(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var paths = new List<string>();
        foreach (var item in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Path.GetFileName(item);
            if (name.AsSpan().IndexOfAny('*', '?') < 0)
            {
                paths.Add(item);
                continue;
            }

            var folder = Path.GetDirectoryName(item) is { Length: > 0 } d ? d : ".";
            var matches = Directory.Exists(folder) ? Directory.GetFiles(folder, name) : [];
            if (matches.Length == 0)
            {
                throw new FileNotFoundException($"no files match {item}", item);
            }

            Array.Sort(matches, StringComparer.Ordinal);
            paths.AddRange(matches);
        }

        return paths.Count > 0 ? paths : throw new ArgumentException("no statistics files given", nameof(list));
    }

    private static AnalysisInput ReadOne(string path)
    {
        var json = File.ReadAllText(path);
        try
        {
            return AnalysisInput.Parse(json);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }
    }
}
