using Ctraffic.Analysis;
using Ctraffic.Statistics;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.Analysis;

public sealed class StatisticsFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ctraffic-files-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Copy(string name)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, CompatFiles.Json(CompatFiles.Undisturbed));
        return path;
    }

    [Fact]
    public void APatternGivesTheMatchingFilesSortedByName()
    {
        var second = Copy("client-2.json");
        var first = Copy("client-1.json");
        Copy("other.json");

        StatisticsFiles.Expand(Path.Combine(_dir, "client-*.json")).Should().Equal(first, second);
    }

    [Fact]
    public void ACommaListIsTakenAsItIsAndAPatternMatchingNothingIsAnError()
    {
        StatisticsFiles.Expand("a.json, b.json").Should().Equal("a.json", "b.json");

        var expand = () => StatisticsFiles.Expand(Path.Combine(_dir, "none-*.json"));

        expand.Should().Throw<FileNotFoundException>().WithMessage("no files match *none-*.json");
    }

    [Fact]
    public void ReadMergesTheFilesIntoOneRun()
    {
        // Given two clients' -stats all files
        var files = new[] { Copy("client-1.json"), Copy("client-2.json") };

        // When they are read
        var stats = StatisticsFiles.Read(files);

        // Then the run has both clients' connections and packets
        var one = StatisticsJson.Read(CompatFiles.Json(CompatFiles.Undisturbed));
        stats.Connections.Should().Be(2 * one.Connections);
        stats.Received.Should().Be(2 * one.Received);
        TrafficAnalysis.Hosts(stats).Lasting.Should().Equal(new HostCount("vm", 2 * one.Connections));
    }

    [Fact]
    public void AFileThatIsNotStatisticsIsNamedInTheError()
    {
        var bad = Path.Combine(_dir, "bad.json");
        File.WriteAllText(bad, "{\"not\":");

        var read = () => StatisticsFiles.Read([Copy("good.json"), bad]);

        read.Should().Throw<FormatException>().WithMessage(bad + ": *");
    }
}
