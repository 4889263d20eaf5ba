using System.Diagnostics;
using Ctraffic.Client.Recording;
using Ctraffic.Internal;
using Ctraffic.Reports;
using Ctraffic.Statistics;
using FluentAssertions;
using static Ctraffic.Tests.Reports.MadeUpRun;

namespace Ctraffic.Tests.Reports;

/// <summary>The HTML page of a made-up run: self-contained, escaped, and rendered by headless Chromium without a console message.</summary>
public class ReportHtmlTests
{
    /// <summary>Two connections; a kill of backend-1 at 2 s loses one; a fault nothing crossed; a mark whose name needs escaping.</summary>
    private static TrafficReport Run()
    {
        var recorder = new TrafficRecorder(2, 10, new RunClock(0, Hz), Interval, T(0.1), hostRoundTrips: true);
        var first = Connect(recorder, 0, 0, "backend-1");
        var second = Connect(recorder, 1, 0, "backend-2");
        Echoes(recorder, first, 0.1, 2.05, rtt: 0.002);
        Echoes(recorder, second, 0.15, 6, rtt: 0.002);
        recorder.Mark("<b>steady</b> & \"calm\"", T(1));
        var kill = recorder.Disruption("kill backend-1", T(2), contact: null);
        recorder.Sent(first, T(2.04));
        recorder.Ended(first, "read: connection reset by peer", ConnectionEndKind.Reset, T(2.05));
        recorder.Failed(first, T(2.05));
        recorder.EndMark(kill, T(2.5));
        Echoes(recorder, Connect(recorder, 0, 2.55, "backend-2"), 2.6, 6, rtt: 0.002);
        recorder.EndMark(recorder.Disruption("latency 200ms", T(4), () => new DisruptionContact("proxy-2", 0, 0, 0)), T(5));
        return recorder.Report(recorder.Statistics(T(6), new TrafficStatistics { Connections = 2, PacketSize = 1024, Rate = 20 }), TimeSpan.FromSeconds(6), live: false, rtt: null);
    }

    [Fact]
    public void ThePageIsOneFileWithTheTimelineAndATablePerPartAndCallsOutAFaultThatHitNothing()
    {
        var html = ReportHtml.Write(Run());

        html.Should().StartWith("<!DOCTYPE html>\n<html lang=\"en\">");
        html.Should().Contain("<svg").And.Contain("data-series=\"Received\"");
        foreach (var id in new[] { "service-level", "disruptions", "windows", "hosts", "round-trips" })
        {
            html.Should().Contain($"<table id=\"{id}\">");
        }

        html.Should().NotContainAny("<script", "src=", "href=", "<link", "@import", "url(");
        html.Should().Contain("<tr class=\"untouched\"><td>latency 200ms</td>").And.Contain("no traffic crossed it on proxy-2");
        html.Should().Contain("<td>kill backend-1</td>").And.Contain("<td>backend-1</td>");
        html.Should().Contain("<td>&lt;b&gt;steady&lt;/b&gt; &amp; &quot;calm&quot;</td>").And.NotContain("<b>steady</b>");
    }

    [Fact]
    public async Task HeadlessChromiumRendersItWithoutAConsoleMessage()
    {
        var chromium = new[] { "chromium", "chromium-browser", "google-chrome" }
            .Select(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists))
            .FirstOrDefault(p => p is not null);
        if (chromium is null)
        {
            Assert.Skip("needs Chromium (apt-get install -y chromium)");
        }

        var folder = Directory.CreateTempSubdirectory("ctraffic-html-");
        try
        {
            var page = Path.Combine(folder.FullName, "ctraffic.html");
            await File.WriteAllTextAsync(page, ReportHtml.Write(Run()), TestContext.Current.CancellationToken);
            var png = Path.Combine(folder.FullName, "ctraffic.png");

            var (dom, domErrors) = await RunAsync(chromium, folder.FullName, "--dump-dom", new Uri(page).AbsoluteUri);
            var (_, shotErrors) = await RunAsync(chromium, folder.FullName, $"--screenshot={png}", "--window-size=1280,2400", new Uri(page).AbsoluteUri);

            dom.Should().Contain("<table id=\"disruptions\">").And.Contain("<svg").And.Contain("class=\"untouched\"");
            new FileInfo(png).Length.Should().BeGreaterThan(20_000, "a page with a chart and five tables is more than a blank screenshot");
            foreach (var log in new[] { domErrors, shotErrors })
            {
                log.Split('\n').Where(l => l.Contains("CONSOLE", StringComparison.Ordinal) || l.Contains("Uncaught", StringComparison.Ordinal))
                    .Should().BeEmpty("the page has no script and loads nothing: the browser logs no console message");
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<(string Stdout, string Stderr)> RunAsync(string chromium, string home, params string[] args)
    {
        var start = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr", "--v=0", $"--user-data-dir={Path.Combine(home, "profile")}" }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = home;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        process.ExitCode.Should().Be(0, await stderr);
        return (await stdout, await stderr);
    }
}
