using System.Globalization;
using System.Text;
using Ctraffic.Reports;
using Ctraffic.Testing.Internal;
using NUnit.Framework;
using NUnit.Framework.Internal;

namespace Ctraffic.Testing;

/// <summary>
/// Continuous traffic in an NUnit test: the monitor line goes to the test's output every second
/// (and to <see cref="TestContext.Progress"/>, to watch it live), and when the traffic stops (or is
/// disposed) the statistics JSON and the timeline SVG are written to the test's work directory and
/// attached to the test result, and a summary is written to the output.
/// <code>
/// await using var traffic = await NUnitTraffic.StartAsync(o => o.Connections = 20);
/// await traffic.WaitForSteadyStateAsync(cancellationToken: TestContext.CurrentContext.CancellationToken);
/// </code>
/// </summary>
public static class NUnitTraffic
{
    /// <summary>The file name of the attached statistics (the ctraffic JSON with added fields).</summary>
    public const string JsonAttachment = "ctraffic.json";

    /// <summary>The file name of the attached timeline graph (see <see cref="ReportSvg.Timeline"/>).</summary>
    public const string TimelineAttachment = "ctraffic-timeline.svg";

    /// <summary>
    /// Starts traffic for the current test, stopped by the test's cancellation token
    /// (<c>[CancelAfter]</c>). A <see cref="ContinuousTrafficOptions.Log"/> or
    /// <see cref="ContinuousTrafficOptions.Stopped"/> set by <paramref name="configure"/> is called too.
    /// </summary>
    /// <param name="configure">Sets the options; <see langword="null"/> keeps the defaults.</param>
    /// <returns>The running traffic; dispose it (<c>await using</c>) before the test ends.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static Task<ContinuousTraffic> StartAsync(Action<ContinuousTrafficOptions>? configure = null)
    {
        var context = TestContext.CurrentContext;
        var output = TestContext.Out;
        var progress = TestContext.Progress;
        var options = new ContinuousTrafficOptions();
        configure?.Invoke(options);
        var log = options.Log;
        options.Log = line =>
        {
            output.WriteLine(line);
            progress.WriteLine(line);
            log?.Invoke(line);
        };
        var stopped = options.Stopped;
        options.Stopped = report =>
        {
            Attach(report);
            stopped?.Invoke(report);
        };
        return ContinuousTraffic.StartAsync(options, context.CancellationToken);
    }

    /// <summary>
    /// Writes the JSON of the run (<see cref="JsonAttachment"/>) and the timeline of
    /// <paramref name="report"/> (<see cref="TimelineAttachment"/>) to a folder of the current test in
    /// <see cref="TestContext.WorkDirectory"/> (a second report in the same test gets names ending in
    /// <c>-2</c>, and so on), attaches both to the test result and writes the summary to the output.
    /// <see cref="StartAsync"/> does this when the traffic stops.
    /// </summary>
    /// <param name="report">The report, or a window of it.</param>
    /// <returns>The paths of the two files.</returns>
    public static IReadOnlyList<string> Attach(TrafficReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var context = TestContext.CurrentContext;
        var folder = Path.Combine(context.WorkDirectory, "ctraffic", FolderName(context.Test));
        Directory.CreateDirectory(folder);
        // Numbered by what this test attached already: files of an earlier run are overwritten.
        var attached = TestExecutionContext.CurrentContext.CurrentResult.TestAttachments.Select(a => Path.GetFileName(a.FilePath)).ToHashSet(StringComparer.Ordinal);
        var suffix = "";
        for (var n = 2; attached.Contains(Name(JsonAttachment, suffix)) || attached.Contains(Name(TimelineAttachment, suffix)); n++)
        {
            suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
        }

        var json = Path.Combine(folder, Name(JsonAttachment, suffix));
        var svg = Path.Combine(folder, Name(TimelineAttachment, suffix));
        File.WriteAllText(json, report.ToJson(), Encoding.UTF8);
        File.WriteAllText(svg, ReportSvg.Timeline(report), Encoding.UTF8);
        TestContext.AddTestAttachment(json, "ctraffic statistics (JSON)");
        TestContext.AddTestAttachment(svg, "ctraffic timeline (SVG)");
        TestContext.Out.WriteLine(TrafficSummary.Paragraph(report));
        return [json, svg];
    }

    /// <summary>A folder name of the test, unique in the run: its name, cut and with unsafe characters replaced, and its id.</summary>
    private static string FolderName(TestContext.TestAdapter test)
    {
        var name = new StringBuilder();
        foreach (var c in $"{(test.Name.Length > 80 ? test.Name[..80] : test.Name)}-{test.ID}")
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        return name.ToString();
    }

    private static string Name(string name, string suffix)
        => suffix.Length == 0 ? name : string.Concat(Path.GetFileNameWithoutExtension(name), suffix, Path.GetExtension(name));
}
