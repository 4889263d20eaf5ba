using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Cli.Tests.Analysis;

/// <summary>
/// <c>-analyze -report FILE</c>: the report page of a statistics file, the original's or ours, with what
/// the file holds (hosts, lost connections, rates, our round trips) and "not in the statistics file" for the rest.
/// </summary>
public sealed partial class AnalyzeReportTests : IDisposable
{
    private const string Killed = "server-killed-at-5s.stats-all";
    private const string Undisturbed = "undisturbed-100conns-10s.stats-all";
    private const string NotInFile = "not in the statistics file";
    private readonly string _dir = Directory.CreateTempSubdirectory("ctraffic-analyze-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Compat(string file) => Repository.Path("tests", "Ctraffic.Tests", "Compat", file);

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CommandLineTests.Run(args);

    /// <summary>What a statistics file says of its connections, computed here from the JSON itself.</summary>
    private sealed record FileFacts(long FailedConnections, long PacketsLost, IReadOnlyList<KeyValuePair<string, (int Connections, int Lost)>> Hosts, long? RttCount);

    private static FileFacts Facts(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var hosts = new Dictionary<string, (int Connections, int Lost)>(StringComparer.Ordinal);
        long packetsLost = 0;
        foreach (var c in root.GetProperty("ConnStats").EnumerateArray())
        {
            var failed = c.GetProperty("Err").GetString() is { Length: > 0 };
            if (failed)
            {
                packetsLost += Math.Max(0, c.GetProperty("Sent").GetInt64() - c.GetProperty("Received").GetInt64());
            }

            if (c.GetProperty("Connect").GetInt64() == 0)
            {
                continue;
            }

            var host = c.TryGetProperty("Host", out var h) && h.GetString() is { Length: > 0 } name ? name : "(no reply)";
            var (connections, lost) = hosts.GetValueOrDefault(host);
            hosts[host] = (connections + 1, lost + (failed ? 1 : 0));
        }

        // The page lists the hosts by name, the connections that got no reply last.
        return new FileFacts(root.GetProperty("FailedConnections").GetInt64(), packetsLost, [.. hosts.OrderBy(h => h.Key == "(no reply)" ? 1 : 0).ThenBy(h => h.Key, StringComparer.Ordinal)],
            root.TryGetProperty("Rtt", out var rtt) ? rtt.GetProperty("Count").GetInt64() : null);
    }

    /// <summary>The rows of the table <paramref name="id"/> of the page, each as the text of its cells (header rows left out).</summary>
    private static List<string[]> Table(string html, string id)
    {
        var start = html.IndexOf($"<table id=\"{id}\">", StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, $"the page has the table {id}");
        var table = html[start..html.IndexOf("</table>", start, StringComparison.Ordinal)];
        return [.. Row().Matches(table).Select(r => Cell().Matches(r.Value).Select(c => WebUtility.HtmlDecode(c.Groups["text"].Value)).ToArray()).Where(cells => cells.Length > 0)];
    }

    /// <summary>The value of a figure of the service-level table.</summary>
    private static string Figure(string html, string figure)
        => Table(html, "service-level").Should().ContainSingle(r => r[0] == figure, $"the service level has \"{figure}\"").Which[1];

    [GeneratedRegex("<tr[^>]*>.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex Row();

    [GeneratedRegex("<td[^>]*>(?<text>.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Cell();

    private static void ShouldHaveTheHostsAndLossesOf(string html, FileFacts facts)
    {
        Table(html, "hosts").Select(r => (r[0], int.Parse(r[1]), int.Parse(r[2])))
            .Should().Equal(facts.Hosts.Select(h => (h.Key, h.Value.Connections, h.Value.Lost)), "the hosts table counts the file's connections and lost connections per host");
        Figure(html, "lost connections").Should().StartWith(facts.FailedConnections.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Figure(html, "packets lost").Should().Be(facts.PacketsLost.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(Killed, 40)]
    [InlineData(Undisturbed, 0)]
    public async Task TheReportOfAnOriginalsFileHasItsHostsAndLostConnectionsAndSaysWhatTheFileLacks(string file, int lost)
    {
        // Given a file the original wrote, and what it says of its connections
        var json = await File.ReadAllTextAsync(Compat(file + ".json"), TestContext.Current.CancellationToken);
        var facts = Facts(json);
        facts.FailedConnections.Should().Be(lost, "the file is the one the test means");
        var path = Path.Combine(_dir, "report.html");

        // When it is analyzed with a report
        var (code, stdout, stderr) = await Run("-stat_file", Compat(file + ".json"), "-analyze", "hosts", "-report", path);

        // Then the analysis is printed exactly as without the report
        code.Should().Be(0, stderr);
        stderr.Should().BeEmpty();
        stdout.Should().Be(await File.ReadAllTextAsync(Compat($"{file}.analyze-hosts.txt"), TestContext.Current.CancellationToken));

        // And the page has the file's hosts and losses, and says what the file does not hold
        var html = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        html.Should().StartWith("<!DOCTYPE html>").And.Contain($"<title>ctraffic report: {file}.json</title>").And.EndWith("</html>\n");
        ShouldHaveTheHostsAndLossesOf(html, facts);
        Figure(html, "availability (due packets answered in time)").Should().Be(NotInFile);
        Figure(html, "round trip p99").Should().Be(NotInFile, "the original keeps no round trips");
        Table(html, "round-trips").Should().ContainSingle().Which.Should().ContainSingle().Which.Should().StartWith(NotInFile);
        html.Should().Contain("data-series=\"Received\"").And.Contain("data-series=\"Lost connections\"")
            .And.NotContain("data-series=\"Outages\"", "the file does not say when a connection was in an outage");
        html.Should().NotContain("<script");
    }

    [Fact]
    public async Task TheReportOfOurOwnEchoRunHasItsHostsLossesAndRoundTrips()
    {
        // Given the statistics of a real run of ours against the in-process server on loopback
        var (runCode, statistics, runError) = await Run("-local", "-nconn", "3", "-rate", "30", "-timeout", "2s", "-stats", "all");
        runCode.Should().Be(0, runError);
        var file = Path.Combine(_dir, "ours.json");
        await File.WriteAllTextAsync(file, statistics, TestContext.Current.CancellationToken);
        var facts = Facts(statistics);
        facts.Hosts.Sum(h => h.Value.Connections).Should().BeGreaterThanOrEqualTo(3);
        facts.RttCount.Should().BeGreaterThan(0, "our statistics hold the round trips");
        var path = Path.Combine(_dir, "ours.html");

        // When the file is analyzed with a report
        var (code, stdout, stderr) = await Run("-stat_file", file, "-analyze", "connections", "-report", path);

        // Then the analysis is printed as without the report, and the page has the run's hosts, losses and round trips
        code.Should().Be(0, stderr);
        stdout.Should().Be((await Run("-stat_file", file, "-analyze", "connections")).Out);
        var html = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        ShouldHaveTheHostsAndLossesOf(html, facts);
        Table(html, "round-trips").Should().ContainSingle().Which[0].Should().Be(facts.RttCount.ToString());
        Figure(html, "round trip p99").Should().EndWith(" ms");
    }

    [Fact]
    public async Task TheReportOfOurOwnHttpRunHasItsRequestsByOutcomeAndStatus()
    {
        // Given the statistics of a real HTTP run of ours on loopback
        var (runCode, statistics, runError) = await Run("-local", "-client", "http", "-nconn", "2", "-rate", "20", "-timeout", "2s", "-stats", "all");
        runCode.Should().Be(0, runError);
        var file = Path.Combine(_dir, "http.json");
        await File.WriteAllTextAsync(file, statistics, TestContext.Current.CancellationToken);
        using var doc = JsonDocument.Parse(statistics);
        var (sent, received) = (doc.RootElement.GetProperty("Sent").GetInt64(), doc.RootElement.GetProperty("Received").GetInt64());
        var ok = doc.RootElement.GetProperty("Statuses").GetProperty("200").GetInt64();
        ok.Should().BeGreaterThan(0);
        var path = Path.Combine(_dir, "http.html");

        // When it is analyzed with a report
        var (code, _, stderr) = await Run("-stat_file", file, "-analyze", "hosts", "-report", path);

        // Then the page has its requests by outcome and by status, and its hosts
        code.Should().Be(0, stderr);
        var html = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        Figure(html, "requests").Should().StartWith($"{sent} requests: {received} succeeded, 0 error responses");
        Figure(html, "responses by status").Should().Be($"200 x{ok}");
        ShouldHaveTheHostsAndLossesOf(html, Facts(statistics));
    }

    [Fact]
    public async Task TheReportOfSeveralFilesIsOfTheMergedRun()
    {
        // Given two clients' files of the run whose server was killed
        var json = await File.ReadAllTextAsync(Compat(Killed + ".json"), TestContext.Current.CancellationToken);
        var files = new[] { Path.Combine(_dir, "client-1.json"), Path.Combine(_dir, "client-2.json") };
        foreach (var f in files)
        {
            await File.WriteAllTextAsync(f, json, TestContext.Current.CancellationToken);
        }

        var one = Facts(json);
        var path = Path.Combine(_dir, "merged.html");

        // When both are analyzed with a report
        var (code, _, stderr) = await Run("-stat_file", string.Join(',', files), "-analyze", "hosts", "-report", path);

        // Then the page is of both: every host's counts twice one file's
        code.Should().Be(0, stderr);
        var html = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        html.Should().Contain("<title>ctraffic report: client-1.json, client-2.json</title>");
        ShouldHaveTheHostsAndLossesOf(html, one with
        {
            FailedConnections = 2 * one.FailedConnections,
            PacketsLost = 2 * one.PacketsLost,
            Hosts = [.. one.Hosts.Select(h => KeyValuePair.Create(h.Key, (2 * h.Value.Connections, 2 * h.Value.Lost)))],
        });
    }

    [Fact]
    public async Task AFileWithoutConnectionRecordsIsOneErrorLineAndNoReportNorAnalysis()
    {
        // Given statistics with samples but no ConnStats (the throughput analysis alone would do)
        var file = Path.Combine(_dir, "samples-only.json");
        await File.WriteAllTextAsync(file, "{\"Duration\":3000000000,\"Sent\":20,\"Received\":20,\"Samples\":[{\"Time\":1000000000,\"Sent\":10,\"Received\":10,\"Dropped\":0},{\"Time\":2000000000,\"Sent\":20,\"Received\":20,\"Dropped\":0}]}", TestContext.Current.CancellationToken);
        (await Run("-stat_file", file)).Code.Should().Be(0, "the file is fine for the throughput analysis");
        var path = Path.Combine(_dir, "r.html");

        var (code, stdout, stderr) = await Run("-stat_file", file, "-report", path);

        code.Should().Be(1);
        stdout.Should().BeEmpty("nothing is printed when the report cannot be made");
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().EndWith("No connection statistics found (the run needs -stats all)");
        File.Exists(path).Should().BeFalse();
    }

    [Theory]
    [InlineData("{\"Duration\":1,\"ConnStats\":[", "not valid JSON")]
    [InlineData("{\"Duration\":1000000000,\"ConnStats\":[{\"Started\":0,\"Connect\":1,\"Ended\":1000000000,\"Err\":\"\"}],\"Rtt\":[1]}", "field Rtt is an array, not an object")]
    [InlineData("{\"Duration\":8640000000000000,\"ConnStats\":[{\"Started\":0,\"Connect\":1,\"Ended\":8640000000000000,\"Err\":\"\"}]}", "too long for a report")]
    public async Task ABrokenOrOverlongFileIsOneErrorLineAndNoReport(string json, string error)
    {
        var file = Path.Combine(_dir, "broken.json");
        await File.WriteAllTextAsync(file, json, TestContext.Current.CancellationToken);
        var path = Path.Combine(_dir, "r.html");

        var (code, stdout, stderr) = await Run("-stat_file", file, "-analyze", "hosts", "-report", path);

        code.Should().Be(1);
        stdout.Should().BeEmpty();
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(error).And.NotContain("Exception");
        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public async Task AFileOverTheSizeLimitIsRefusedAsWithoutTheReport()
    {
        var path = Path.Combine(_dir, "r.html");
        var file = Path.Combine(_dir, "huge.json");
        await using (var huge = File.Create(file))
        {
            huge.SetLength(Ctraffic.Cli.Input.InputFiles.MaximumStatisticsBytes + 1L);
        }

        var without = await Run("-stat_file", file, "-analyze", "hosts");
        var (code, stdout, stderr) = await Run("-stat_file", file, "-analyze", "hosts", "-report", path);

        without.Code.Should().Be(1);
        (code, stdout, LogMessage(stderr)).Should().Be((1, "", LogMessage(without.Err)));
        File.Exists(path).Should().BeFalse();
    }

    private static string LogMessage(string line) => line.Length > 20 ? line[20..] : line;

    [Fact]
    public async Task AReportThatCannotBeWrittenIsOneErrorLineAndAFailure()
    {
        var path = Path.Combine(_dir, "no-such-dir", "r.html");

        var (code, stdout, stderr) = await Run("-stat_file", Compat(Killed + ".json"), "-analyze", "hosts", "-report", path);

        code.Should().Be(1);
        stdout.Should().StartWith("Lost connections: 40\n", "the analysis was printed before the report was written");
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain($"write {path}: ");
    }

    [Fact]
    public async Task AReportToADirectoryOrWithTheServerIsAUsageError()
    {
        var (toDirectory, _, directoryError) = await Run("-stat_file", Compat(Killed + ".json"), "-report", _dir);
        toDirectory.Should().Be(2);
        directoryError.Should().Contain($"invalid value \"{_dir}\" for flag -report: is a directory");

        var (server, _, serverError) = await Run("-server", "-address", "[::1]:0", "-report", Path.Combine(_dir, "r.html"));
        server.Should().Be(2);
        serverError.Should().Contain("for flag -report: is for a run of the client or for -analyze of a -stat_file");
    }

    [Fact]
    public async Task HeadlessChromiumRendersTheReportOfAnOriginalsFileWithoutAConsoleMessage()
    {
        var chromium = new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
        if (chromium is null)
        {
            Assert.Skip("needs Chromium (apt-get install -y chromium)");
        }

        var page = Path.Combine(_dir, "killed.html");
        var (code, _, stderr) = await Run("-stat_file", Compat(Killed + ".json"), "-analyze", "hosts", "-report", page);
        code.Should().Be(0, stderr);
        var png = Path.Combine(_dir, "killed.png");

        var (dom, domLog) = await Browse(chromium, "--dump-dom", new Uri(page).AbsoluteUri);
        var (_, shotLog) = await Browse(chromium, $"--screenshot={png}", "--window-size=1280,2400", new Uri(page).AbsoluteUri);

        dom.Should().Contain("<table id=\"hosts\">").And.Contain("<svg").And.Contain(NotInFile);
        new FileInfo(png).Length.Should().BeGreaterThan(20_000, "a page with a chart and tables is more than a blank screenshot");
        foreach (var log in new[] { domLog, shotLog })
        {
            log.Split('\n').Where(l => l.Contains("CONSOLE", StringComparison.Ordinal) || l.Contains("Uncaught", StringComparison.Ordinal))
                .Should().BeEmpty("the page has no script and loads nothing");
        }
    }

    /// <summary>Headless Chromium with its own profile in the test's folder; its stdout and stderr, bounded to a minute.</summary>
    private async Task<(string Stdout, string Stderr)> Browse(string chromium, params string[] args)
    {
        var start = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr", "--v=0", $"--user-data-dir={Path.Combine(_dir, "profile")}" }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = _dir;
        using var browser = Process.Start(start)!;
        var stdout = browser.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = browser.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await browser.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            browser.Kill(entireProcessTree: true);
            throw;
        }

        browser.ExitCode.Should().Be(0, await stderr);
        return (await stdout, await stderr);
    }
}
