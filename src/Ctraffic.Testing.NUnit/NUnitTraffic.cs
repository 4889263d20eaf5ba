using System.Text;
using Ctraffic.Reports;
using Ctraffic.Testing.Internal;
using NUnit.Framework;
using NUnit.Framework.Internal;

namespace Ctraffic.Testing;

/// <summary>
/// NUnit glue: with this assembly referenced, traffic started by
/// <see cref="CtrafficFixture.Start(Action{ContinuousTrafficOptions}?)"/> in a test writes the
/// monitor line to the test's output every second (and to <see cref="TestContext.Progress"/>, to
/// watch it live), stops with the test's cancellation (<c>[CancelAfter]</c>), and when it stops (or
/// is disposed) writes the statistics JSON and the timeline SVG to the test's work directory,
/// attaches both to the test result and writes a summary to the output. <see cref="Attach(TrafficReport)"/> does
/// the same for any report (e.g. a window).
/// </summary>
public static class NUnitTraffic
{
    /// <summary>The file name of the attached statistics (the ctraffic JSON with added fields).</summary>
    public const string JsonAttachment = AttachmentNames.Json;

    /// <summary>The file name of the attached timeline graph (see <see cref="ReportSvg.Timeline"/>).</summary>
    public const string TimelineAttachment = AttachmentNames.Timeline;

    /// <summary>The file name of the attached page a person reads: service level, timeline, disruptions, windows, hosts (see <see cref="ReportHtml"/>).</summary>
    public const string HtmlAttachment = AttachmentNames.Html;

    /// <summary>
    /// Writes the JSON of the run (<see cref="JsonAttachment"/>), the timeline of
    /// <paramref name="report"/> (<see cref="TimelineAttachment"/>) and its page (<see cref="HtmlAttachment"/>)
    /// to a folder of the current test in <see cref="TestContext.WorkDirectory"/> (a second report in the
    /// same test gets names ending in <c>-2</c>, and so on), attaches them to the test result and writes the summary to the output.
    /// Traffic started in a test does this when it stops.
    /// </summary>
    /// <param name="report">The report, or a window of it.</param>
    /// <returns>The paths of the three files: JSON, timeline, page.</returns>
    public static IReadOnlyList<string> Attach(TrafficReport report) => Attach(report, null);

    /// <summary>
    /// As <see cref="Attach(TrafficReport)"/>, under <paramref name="name"/>: <c>ctraffic-NAME.json</c>
    /// and <c>ctraffic-NAME-timeline.svg</c> (see <see cref="ContinuousTrafficOptions.Name"/>).
    /// Safe from any thread: two reports never get the same names.
    /// </summary>
    /// <param name="report">The report, or a window of it.</param>
    /// <param name="name">1 to 64 of A–Z, a–z, 0–9, '.', '-', '_'; <see langword="null"/> for none.</param>
    /// <returns>The paths of the three files: JSON, timeline, page.</returns>
    /// <exception cref="ArgumentException">The name is not of those characters.</exception>
    public static IReadOnlyList<string> Attach(TrafficReport report, string? name)
    {
        ArgumentNullException.ThrowIfNull(report);
        AttachmentNames.ThrowIfInvalid(name, nameof(name));

        var context = TestContext.CurrentContext;
        var folder = Path.Combine(context.WorkDirectory, "ctraffic", FolderName(context.Test));
        Directory.CreateDirectory(folder);
        // Numbered by what this test attached already: files of an earlier run are overwritten.
        var result = TestExecutionContext.CurrentContext.CurrentResult;
        string json, svg, html;
        lock (AttachmentNames.Gate)
        {
            var attached = result.TestAttachments.Select(a => Path.GetFileName(a.FilePath)).ToHashSet(StringComparer.Ordinal);
            var (jsonName, svgName, htmlName) = AttachmentNames.Next(attached.Contains, name);
            json = Path.Combine(folder, jsonName);
            svg = Path.Combine(folder, svgName);
            html = Path.Combine(folder, htmlName);
            File.WriteAllText(json, report.ToJson(), Encoding.UTF8);
            File.WriteAllText(svg, ReportSvg.Timeline(report), Encoding.UTF8);
            File.WriteAllText(html, ReportHtml.Write(report), Encoding.UTF8);
            TestContext.AddTestAttachment(json, "ctraffic statistics (JSON)");
            TestContext.AddTestAttachment(svg, "ctraffic timeline (SVG)");
            TestContext.AddTestAttachment(html, "ctraffic report (HTML)");
        }

        TestContext.Out.WriteLine(TrafficSummary.Paragraph(report, name));
        return [json, svg, html];
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
}
