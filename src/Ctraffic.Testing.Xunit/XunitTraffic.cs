using System.Text;
using Ctraffic.Reports;
using Ctraffic.Testing.Internal;
using Xunit;

namespace Ctraffic.Testing;

/// <summary>
/// Continuous traffic in an xUnit v3 test: the monitor line goes to the test output every second,
/// and when the traffic stops (or is disposed) the statistics JSON and the timeline SVG are attached
/// to the test result and a summary is written to the output.
/// <code>
/// await using var traffic = await XunitTraffic.StartAsync(o => o.Connections = 20);
/// await traffic.WaitForSteadyStateAsync(cancellationToken: TestContext.Current.CancellationToken);
/// </code>
/// </summary>
public static class XunitTraffic
{
    /// <summary>The name of the attached statistics (the ctraffic JSON with added fields).</summary>
    public const string JsonAttachment = "ctraffic.json";

    /// <summary>The name of the attached timeline graph (see <see cref="ReportSvg.Timeline"/>).</summary>
    public const string TimelineAttachment = "ctraffic-timeline.svg";

    /// <summary>
    /// Starts traffic for the current test, stopped by the test's cancellation token. A
    /// <see cref="ContinuousTrafficOptions.Log"/> or <see cref="ContinuousTrafficOptions.Stopped"/>
    /// set by <paramref name="configure"/> is called too.
    /// </summary>
    /// <param name="configure">Sets the options; <see langword="null"/> keeps the defaults.</param>
    /// <returns>The running traffic; dispose it (<c>await using</c>) before the test ends.</returns>
    /// <exception cref="InvalidOperationException">Not called from a test.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static Task<ContinuousTraffic> StartAsync(Action<ContinuousTrafficOptions>? configure = null)
    {
        var context = TestContext.Current;
        if (context.Test is null || context.TestOutputHelper is not { } output)
        {
            throw new InvalidOperationException("XunitTraffic.StartAsync is for use in a test; to share traffic across tests use a CtrafficFixture");
        }

        var options = new ContinuousTrafficOptions();
        configure?.Invoke(options);
        var log = options.Log;
        options.Log = line =>
        {
            output.WriteLine(line);
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
    /// Attaches <paramref name="report"/> to the current test: the JSON of the run as
    /// <see cref="JsonAttachment"/>, its timeline as <see cref="TimelineAttachment"/> (a second
    /// report in the same test gets names ending in <c>-2</c>, and so on), and its summary in the output.
    /// <see cref="StartAsync"/> does this when the traffic stops; call it for the traffic of a
    /// <see cref="CtrafficFixture"/>, e.g. with a window of its report.
    /// </summary>
    /// <param name="report">The report, or a window of it.</param>
    /// <exception cref="InvalidOperationException">Not called from a test.</exception>
    public static void Attach(TrafficReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var context = TestContext.Current;
        if (context.Test is null || context.Attachments is not { } attachments)
        {
            throw new InvalidOperationException("XunitTraffic.Attach is for use in a test: there is no current test to attach the report to");
        }

        var suffix = "";
        for (var n = 2; attachments.ContainsKey(Name(JsonAttachment, suffix)) || attachments.ContainsKey(Name(TimelineAttachment, suffix)); n++)
        {
            suffix = "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.AddAttachment(Name(JsonAttachment, suffix), Encoding.UTF8.GetBytes(report.ToJson()), "application/json");
        context.AddAttachment(Name(TimelineAttachment, suffix), Encoding.UTF8.GetBytes(ReportSvg.Timeline(report)), "image/svg+xml");
        context.TestOutputHelper?.WriteLine(TrafficSummary.Paragraph(report));
    }

    private static string Name(string name, string suffix)
        => suffix.Length == 0 ? name : string.Concat(Path.GetFileNameWithoutExtension(name), suffix, Path.GetExtension(name));
}
