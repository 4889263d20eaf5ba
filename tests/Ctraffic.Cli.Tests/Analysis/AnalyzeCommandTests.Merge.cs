using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Cli.Tests;

/// <summary><c>-stat_file</c> with several files (a comma list or a pattern): one run per client, merged.</summary>
public sealed partial class AnalyzeCommandTests
{
    /// <summary>Two clients' files: copies of one of the original's files, as if two clients had made the same run together.</summary>
    private string[] TwoClients(string name)
    {
        var json = File.ReadAllText(Compat(name + ".json"));
        return [Write("client-1.json", json), Write("client-2.json", json)];
    }

    /// <summary>The original's output with every count doubled (the number at the end of a line, or every number after the time).</summary>
    private static string Doubled(string text, bool afterTime)
        => string.Concat(text.Split('\n').Select(line => (afterTime ? CountsAfterTime() : CountAtEnd()).Replace(line, m => Twice(m.Value)) + "\n"))[..^1];

    private static string Twice(string number) => (2 * int.Parse(number, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?<=[: ])\d+$")]
    private static partial Regex CountAtEnd();

    [GeneratedRegex(@"(?<= )\d+")]
    private static partial Regex CountsAfterTime();

    [Fact]
    public async Task HostsOverACommaListSumsEveryHostsCounts()
    {
        // Given two clients' files of a run whose server was killed
        var files = TwoClients(Killed);

        // When they are analyzed as one list
        var (exit, stdout, stderr) = await Run("-stat_file", string.Join(',', files), "-analyze", "hosts");

        // Then every lost and lasting count, and the totals, are twice the original's
        exit.Should().Be(0, stderr);
        var once = await File.ReadAllTextAsync(Compat($"{Killed}.analyze-hosts.txt"), TestContext.Current.CancellationToken);
        stdout.Should().Be(Doubled(once, afterTime: false)).And.NotBe(once);
    }

    [Fact]
    public async Task ConnectionsOverAPatternCountsTheSlotsOfAllMatchingFiles()
    {
        TwoClients(Undisturbed);

        var (exit, stdout, stderr) = await Run("-stat_file", Path.Combine(_dir, "client-*.json"), "-analyze", "connections");

        exit.Should().Be(0, stderr);
        var once = await File.ReadAllTextAsync(Compat($"{Undisturbed}.analyze-connections.txt"), TestContext.Current.CancellationToken);
        stdout.Should().Be(Doubled(once, afterTime: true));
    }

    [Fact]
    public async Task ThroughputOfTheMergeIsTheSumOfTheClientsAndPlots()
    {
        // Given two clients that each received 100 KB/s for 10 s
        var files = TwoClients(Undisturbed);
        var svgPath = Path.Combine(_dir, "merged.svg");

        // When their merge is analyzed with a plot
        var (exit, stdout, stderr) = await Run("-stat_file", string.Join(',', files), "-analyze", "throughput", "-plot", svgPath);

        // Then every whole second after the first has about 200 KB/s, and the plot has a point per line
        exit.Should().Be(0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("Time Throughput");
        var points = lines.Skip(1).Select(l => l.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        points.Select(p => p[0]).Should().Equal(0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5);
        points.Skip(1).Should().AllSatisfy(p => p[1].Should().BeApproximately(200, 10));
        var series = XDocument.Load(svgPath).Root!.Descendants(Svg + "polyline").Single(e => (string?)e.Attribute("class") == "series");
        ((string)series.Attribute("points")!).Split(' ').Should().HaveCount(points.Length);
    }

    [Fact]
    public async Task APatternThatMatchesNothingIsOneErrorLine()
    {
        var message = ShouldFailWithOneLine(await Run("-stat_file", Path.Combine(_dir, "none-*.json"), "-analyze", "hosts"));

        message.Should().Be($"no files match {Path.Combine(_dir, "none-*.json")}");
    }

    [Fact]
    public async Task AMissingFileInTheListIsNamedInTheError()
    {
        var files = TwoClients(Undisturbed);
        var missing = Path.Combine(_dir, "client-3.json");

        var message = ShouldFailWithOneLine(await Run("-stat_file", $"{files[0]},{missing}", "-analyze", "hosts"));

        message.Should().Be($"open {missing}: no such file or directory");
    }

    [Fact]
    public async Task ThroughputOfAMergeNamesTheFileWithoutSamples()
    {
        var files = TwoClients(Undisturbed);
        var summary = Write("summary.json", await File.ReadAllTextAsync(Compat("summary.json"), TestContext.Current.CancellationToken));

        var message = ShouldFailWithOneLine(await Run("-stat_file", $"{files[0]},{summary}", "-analyze", "throughput"));

        message.Should().Be($"{summary}: No samples found");
    }
}
