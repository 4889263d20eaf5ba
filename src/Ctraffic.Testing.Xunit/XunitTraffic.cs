using System.Text;
using Ctraffic.Reports;
using Ctraffic.Testing.Internal;
using Xunit;

namespace Ctraffic.Testing;

/// <summary>
/// xUnit v3 glue: with this assembly referenced, traffic started by
/// <see cref="CtrafficFixture.Start(Action{ContinuousTrafficOptions}?)"/> in a test writes the
/// monitor line to the test output every second, stops with the test's cancellation, and when it
/// stops (or is disposed) attaches the statistics JSON and the timeline SVG to the test result and
/// writes a summary to the output. <see cref="Attach(TrafficReport)"/> does the same for any report (e.g. a window).
/// </summary>
public static class XunitTraffic
{
    /// <summary>The name of the attached statistics (the ctraffic JSON with added fields).</summary>
    public const string JsonAttachment = AttachmentNames.Json;

    /// <summary>The name of the attached timeline graph (see <see cref="ReportSvg.Timeline"/>).</summary>
    public const string TimelineAttachment = AttachmentNames.Timeline;

    /// <summary>The name of the attached page a person reads: service level, timeline, disruptions, windows, hosts (see <see cref="ReportHtml"/>).</summary>
    public const string HtmlAttachment = AttachmentNames.Html;

    /// <summary>
    /// Attaches <paramref name="report"/> to the current test: the JSON of the run as
    /// <see cref="JsonAttachment"/>, its timeline as <see cref="TimelineAttachment"/>, its page as <see cref="HtmlAttachment"/> (a second
    /// report in the same test gets names ending in <c>-2</c>, and so on), and its summary in the output.
    /// Traffic started in a test does this when it stops; call it for the traffic of a
    /// <see cref="SharedTrafficFixture"/>, or for a window of a report.
    /// </summary>
    /// <param name="report">The report, or a window of it.</param>
    /// <exception cref="InvalidOperationException">Not called from a test.</exception>
    public static void Attach(TrafficReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        Attach(TestContext.Current, report, null);
    }

    /// <summary>
    /// Attaches <paramref name="report"/> to the current test under <paramref name="name"/>:
    /// <c>ctraffic-NAME.json</c>, <c>ctraffic-NAME-timeline.svg</c> and <c>ctraffic-NAME.html</c> (see <see cref="ContinuousTrafficOptions.Name"/>).
    /// Safe from any thread: two reports never get the same names.
    /// </summary>
    /// <param name="report">The report, or a window of it.</param>
    /// <param name="name">1 to 64 of A–Z, a–z, 0–9, '.', '-', '_'.</param>
    /// <exception cref="ArgumentException">The name is not of those characters.</exception>
    /// <exception cref="InvalidOperationException">Not called from a test.</exception>
    public static void Attach(TrafficReport report, string name)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(name);
        AttachmentNames.ThrowIfInvalid(name, nameof(name));

        Attach(TestContext.Current, report, name);
    }

    /// <summary>Attaches <paramref name="report"/> to the test of <paramref name="context"/>.</summary>
    internal static void Attach(ITestContext context, TrafficReport report, string? name)
    {
        if (context.Test is null || context.Attachments is not { } attachments)
        {
            throw new InvalidOperationException("XunitTraffic.Attach is for use in a test: there is no current test to attach the report to");
        }

        var jsonBytes = Encoding.UTF8.GetBytes(report.ToJson());
        var svgBytes = Encoding.UTF8.GetBytes(ReportSvg.Timeline(report));
        var htmlBytes = Encoding.UTF8.GetBytes(ReportHtml.Write(report));
        lock (AttachmentNames.Gate)
        {
            var (json, timeline, html) = AttachmentNames.Next(attachments.ContainsKey, name);
            context.AddAttachment(json, jsonBytes, "application/json");
            context.AddAttachment(timeline, svgBytes, "image/svg+xml");
            context.AddAttachment(html, htmlBytes, "text/html");
        }

        context.TestOutputHelper?.WriteLine(TrafficSummary.Paragraph(report, name));
    }
}
