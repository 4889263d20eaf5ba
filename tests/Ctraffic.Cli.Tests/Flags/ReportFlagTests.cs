using FluentAssertions;

namespace Ctraffic.Cli.Tests.Flags;

/// <summary><c>-report FILE</c>: the run's report as one self-contained HTML page, the library's <c>ReportHtml</c>.</summary>
public sealed class ReportFlagTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ctraffic-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CommandLineTests.Run(args);

    [Fact]
    public async Task ARunWritesItsReportBesidesTheStatistics()
    {
        // Given a path for the report
        var path = Path.Combine(_dir, "run.html");

        // When a short run against the in-process server is asked for it
        var (code, stdout, stderr) = await Run("-local", "-nconn", "2", "-rate", "20", "-timeout", "1s", "-report", path);

        // Then the run succeeded, printed its statistics as ever, and wrote the page
        code.Should().Be(0, stderr);
        stdout.Should().Contain("\"Sent\"");
        var html = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        html.Should().StartWith("<!DOCTYPE html>").And.Contain("<title>ctraffic report</title>")
            .And.Contain("id=\"service-level\"").And.Contain("<svg").And.EndWith("</html>\n");
        html.Should().NotContain("<script", "the page is self-contained and runs nothing");
    }

    [Fact]
    public async Task AReportThatCannotBeWrittenIsOneErrorLineAndAFailure()
    {
        var path = Path.Combine(_dir, "no-such-dir", "run.html");

        var (code, _, stderr) = await Run("-local", "-nconn", "1", "-rate", "10", "-timeout", "1s", "-stats", "none", "-report", path);

        code.Should().Be(1);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain($"write {path}: ");
    }

    [Fact]
    public async Task AReportToADirectoryOrOfTheServerIsAUsageError()
    {
        var (toDirectory, _, directoryError) = await Run("-local", "-timeout", "1s", "-report", _dir);
        toDirectory.Should().Be(2);
        directoryError.Should().Contain($"invalid value \"{_dir}\" for flag -report: is a directory");

        var (ofServer, _, serverError) = await Run("-server", "-address", "[::1]:0", "-report", Path.Combine(_dir, "r.html"));
        ofServer.Should().Be(2);
        serverError.Should().Contain("for flag -report: is for a run of the client or for -analyze of a -stat_file");
    }
}
