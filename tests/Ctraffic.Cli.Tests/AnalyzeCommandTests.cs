using System.Text.RegularExpressions;
using System.Xml.Linq;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Cli.Tests;

public sealed partial class AnalyzeCommandTests : IDisposable
{
    private const string Killed = "server-killed-at-5s.stats-all";
    private const string Undisturbed = "undisturbed-100conns-10s.stats-all";
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly string _dir = Directory.CreateTempSubdirectory("ctraffic-analyze-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The original's files, kept in tests/Ctraffic.Tests/Compat (found by walking up from the test assembly).</summary>
    private static string Compat(string file)
    {
        var path = Repository.Path("tests", "Ctraffic.Tests", "Compat", file);
        return File.Exists(path) ? path : throw new FileNotFoundException("compat file not found: " + path, file);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CtrafficCommand.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [GeneratedRegex(@"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d (?<message>[^\n]+)\n$")]
    private static partial Regex LogLine();

    /// <summary>Asserts a failure: exit 1, nothing on stdout, one log line on stderr without a stack trace; returns its message.</summary>
    private static string ShouldFailWithOneLine((int Exit, string Stdout, string Stderr) result)
    {
        result.Exit.Should().Be(1);
        result.Stdout.Should().BeEmpty();
        result.Stderr.Should().NotContain("   at ").And.NotContain("Exception");
        var match = LogLine().Match(result.Stderr);
        match.Success.Should().BeTrue($"stderr should be one log line, was \"{result.Stderr}\"");
        return match.Groups["message"].Value;
    }

    public static TheoryData<string, string> FilesAndModes => new()
    {
        { Killed, "throughput" },
        { Killed, "connections" },
        { Killed, "hosts" },
        { Undisturbed, "throughput" },
        { Undisturbed, "connections" },
        { Undisturbed, "hosts" },
    };

    [Theory]
    [MemberData(nameof(FilesAndModes))]
    public async Task AnalyzePrintsExactlyWhatTheOriginalPrintedOnItsFile(string file, string mode)
    {
        var (exit, stdout, stderr) = await Run("-stat_file", Compat(file + ".json"), "-analyze", mode);

        exit.Should().Be(0);
        stderr.Should().BeEmpty();
        stdout.Should().Be(await File.ReadAllTextAsync(Compat($"{file}.analyze-{mode}.txt"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ThroughputIsTheDefaultAnalysis()
    {
        var (exit, stdout, _) = await Run("-stat_file", Compat(Killed + ".json"));

        exit.Should().Be(0);
        stdout.Should().StartWith("Time Throughput\n");
    }

    [Fact]
    public async Task ThroughputOfASummaryFailsWithTheOriginalsLogLine()
    {
        var result = await Run("-stat_file", Compat("summary.json"), "-analyze", "throughput");
        var original = await File.ReadAllTextAsync(Compat("summary.analyze-throughput.txt"), TestContext.Current.CancellationToken);

        ShouldFailWithOneLine(result).Should().Be("No samples found");
        LogLine().Match(original).Groups["message"].Value.Should().Be("No samples found");
    }

    [Theory]
    [InlineData("connections")]
    [InlineData("hosts")]
    public async Task ConnectionsAndHostsOfASummaryFailAndSayWhatIsMissing(string mode)
    {
        var message = ShouldFailWithOneLine(await Run("-stat_file", Compat("summary.json"), "-analyze", mode));

        message.Should().Be("No connection statistics found (the run needs -stats all)");
    }

    [Fact]
    public async Task StatFileDashReadsStandardInput()
    {
        var json = await File.ReadAllTextAsync(Compat(Killed + ".json"), TestContext.Current.CancellationToken);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var options = CliOptions.Parse(["-stat_file", "-", "-analyze", "hosts"]);

        var exit = await AnalyzeCommand.RunAsync(options, () => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)), stdout, stderr, TestContext.Current.CancellationToken);

        exit.Should().Be(0);
        stdout.ToString().Should().Be("Lost connections: 40\n  vm 40\nLasting connections: 0\n");
    }

    [Fact]
    public async Task TheBuiltCommandReadsAPipedFileWithStatFileDash()
    {
        var info = new System.Diagnostics.ProcessStartInfo(CtrafficProcess.Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-stat_file", "-", "-analyze", "connections" })
        {
            info.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var ct = TestContext.Current.CancellationToken;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.StandardInput.WriteAsync(await File.ReadAllTextAsync(Compat(Killed + ".json"), ct));
        process.StandardInput.Close();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(limit.Token);

        process.ExitCode.Should().Be(0, await stderr);
        (await stdout).Should().Be(await File.ReadAllTextAsync(Compat($"{Killed}.analyze-connections.txt"), ct));
    }

    [Fact]
    public async Task ABadFileOnStandardInputIsNamedStdin()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var options = CliOptions.Parse(["-stat_file", "-"]);

        var exit = await AnalyzeCommand.RunAsync(options, () => new MemoryStream("{\"Samples\":"u8.ToArray()), stdout, stderr, TestContext.Current.CancellationToken);

        ShouldFailWithOneLine((exit, stdout.ToString(), stderr.ToString())).Should().StartWith("stdin: not valid JSON");
    }

    public static TheoryData<string, string, string> BadFiles => new()
    {
        { "empty", "", "the statistics are empty" },
        { "blank", " \n\t\n", "the statistics are empty" },
        { "truncated", "{\"Started\":\"2026-11-27T20:05:59.83358596Z\",\"Duration\":109196", "not valid JSON" },
        { "not-json", "Conn act/fail/connecting: 40/0/0\n", "not valid JSON" },
        { "array", "[{\"Duration\":1}]", "expected a JSON object, found an array" },
        { "wrong-type", "{\"Duration\":\"10s\",\"Samples\":[]}", "field Duration is not an integer" },
        { "wrong-type-multiline", "{\n  \"Duration\": {\n    \"s\": 10\n  }\n}\n", "field Duration is not an integer: { \"s\": 10 }" },
        { "sample-not-object", "{\"Samples\":[1,2]}", "an entry of Samples is a number, not an object" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task AMalformedFileIsOneErrorLineNamingTheFileAndExit1(string name, string content, string reason)
    {
        var path = Write(name + ".json", content);

        foreach (var mode in new[] { "throughput", "connections", "hosts" })
        {
            var message = ShouldFailWithOneLine(await Run("-stat_file", path, "-analyze", mode));

            message.Should().StartWith(path + ": ").And.Contain(reason);
        }
    }

    [Fact]
    public async Task AMissingFileIsOneErrorLineAsGoWordsIt()
    {
        var path = Path.Combine(_dir, "no-such.json");

        ShouldFailWithOneLine(await Run("-stat_file", path)).Should().Be($"open {path}: no such file or directory");
    }

    [Fact]
    public async Task ADirectoryIsOneErrorLine()
    {
        ShouldFailWithOneLine(await Run("-stat_file", _dir)).Should().Be($"read {_dir}: is a directory");
    }

    [Fact]
    public async Task AFileWithoutSamplesFailsThroughputWithTheOriginalsMessage()
    {
        var path = Write("no-samples.json", "{\"Duration\":3000000000,\"PacketSize\":1024,\"Samples\":[]}");

        ShouldFailWithOneLine(await Run("-stat_file", path)).Should().Be("No samples found");
    }

    [Fact]
    public async Task AnUnknownAnalysisIsAUsageError()
    {
        var (exit, stdout, stderr) = await Run("-stat_file", Compat(Killed + ".json"), "-analyze", "latency");

        exit.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().Contain("-analyze");
    }

    public static TheoryData<string, string[]> PlotSeries => new()
    {
        { "throughput", ["Throughput"] },
        { "connections", ["Active", "New", "Failed", "Connecting"] },
    };

    [Theory]
    [MemberData(nameof(PlotSeries))]
    public async Task PlotWritesAnSvgWithAPolylinePerSeriesBesidesPrintingTheText(string mode, string[] series)
    {
        var svgPath = Path.Combine(_dir, mode + ".svg");

        var (exit, stdout, stderr) = await Run("-stat_file", Compat(Killed + ".json"), "-analyze", mode, "-plot", svgPath);

        exit.Should().Be(0, stderr);
        stdout.Should().Be(await File.ReadAllTextAsync(Compat($"{Killed}.analyze-{mode}.txt"), TestContext.Current.CancellationToken));
        var svg = XDocument.Load(svgPath).Root!;
        svg.Name.Should().Be(Svg + "svg");
        var lines = svg.Descendants(Svg + "polyline").Where(e => (string?)e.Attribute("class") == "series").ToList();
        lines.Select(e => (string?)e.Attribute("data-series")).Should().Equal(series);
        var expectedPoints = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
        lines.Should().AllSatisfy(l => ((string)l.Attribute("points")!).Split(' ').Should().HaveCount(expectedPoints));
        svg.Descendants(Svg + "text").Select(t => t.Value).Should().Contain(series).And.Contain("Time (s)");
    }

    [Fact]
    public async Task PlotOfHostsWritesABarPerHostForLostAndLasting()
    {
        var svgPath = Path.Combine(_dir, "hosts.svg");

        var (exit, _, _) = await Run("-stat_file", Compat(Undisturbed + ".json"), "-analyze", "hosts", "-plot", svgPath);

        exit.Should().Be(0);
        var bars = XDocument.Load(svgPath).Root!.Descendants(Svg + "rect").Where(e => (string?)e.Attribute("class") == "bar").ToList();
        bars.Select(b => $"{b.Attribute("data-series")!.Value} {b.Attribute("data-category")!.Value} {b.Attribute("data-value")!.Value}")
            .Should().Equal("Lost vm 0", "Lasting vm 100");
    }

    [Fact]
    public async Task APlotThatCannotBeWrittenIsOneErrorLine()
    {
        var svgPath = Path.Combine(_dir, "no-such-dir", "plot.svg");

        var (exit, _, stderr) = await Run("-stat_file", Compat(Killed + ".json"), "-plot", svgPath);

        exit.Should().Be(1);
        LogLine().Match(stderr).Groups["message"].Value.Should().Be($"write {svgPath}: no such file or directory");
    }

    [Fact]
    public async Task APlotToADirectoryIsNamedSoBeforeAnyOutput()
    {
        var (exit, stdout, stderr) = await Run("-stat_file", Compat(Killed + ".json"), "-plot", _dir);

        ShouldFailWithOneLine((exit, stdout, stderr)).Should().Be($"open {_dir}: is a directory");
    }

    [Fact]
    public async Task AStatisticsFileWithAByteOrderMarkIsRead()
    {
        var json = await File.ReadAllTextAsync(Compat(Killed + ".json"), TestContext.Current.CancellationToken);
        var path = Path.Combine(_dir, "bom.json");
        await File.WriteAllTextAsync(path, json, new System.Text.UTF8Encoding(true), TestContext.Current.CancellationToken);

        var (exit, stdout, _) = await Run("-stat_file", path, "-analyze", "hosts");

        exit.Should().Be(0);
        stdout.Should().StartWith("Lost connections: 40\n");
    }

    [Fact]
    public async Task NoPlotIsWrittenWhenTheAnalysisFails()
    {
        var svgPath = Path.Combine(_dir, "plot.svg");

        ShouldFailWithOneLine(await Run("-stat_file", Compat("summary.json"), "-plot", svgPath));

        File.Exists(svgPath).Should().BeFalse();
    }
}
