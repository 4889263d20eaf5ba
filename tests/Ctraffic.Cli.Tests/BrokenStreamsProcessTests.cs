using System.Text.Json;
using FluentAssertions;

namespace Ctraffic.Cli.Tests;

/// <summary>What the client does when its stdout or stderr cannot be written: never a crash, never a silent loss.</summary>
public class BrokenStreamsProcessTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static readonly string[] MonitoredRun = ["-local", "-nconn", "2", "-rate", "20", "-timeout", "3s", "-monitor"];

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;

    [Theory]
    [InlineData("2>/dev/full")]
    [InlineData("2>&-")]
    public async Task AMonitoredRunWhoseStderrFailsStillPrintsItsStatistics(string redirection)
    {
        // Given a client with -monitor whose stderr is full or closed
        await using var client = CtrafficProcess.StartInShell($"exec \"$CTRAFFIC\" \"$@\" {redirection}", MonitoredRun);

        // When it runs to the end
        var code = await client.WaitForExitAsync(Limit);

        // Then the monitor lines are lost, not the run: the statistics are printed and it exits 0
        code.Should().Be(0, "a failed write to stderr must not abort the client (it was SIGABRT, 134)");
        var stats = Json(client.Stdout);
        stats.GetProperty("Received").GetInt64().Should().BePositive();
        stats.GetProperty("Received").GetInt64().Should().Be(stats.GetProperty("Sent").GetInt64());
    }

    [Fact]
    public async Task StatisticsThatCannotBeWrittenToStdoutFailTheCommandWithALineOnStderr()
    {
        // Given a client whose stdout is a pipe whose reader has gone (`ctraffic ... | true`)
        await using var client = CtrafficProcess.StartInShell(
            "\"$CTRAFFIC\" \"$@\" | true; exit \"${PIPESTATUS[0]}\"", "-local", "-nconn", "2", "-rate", "20", "-timeout", "2s");

        // When it ends and writes its statistics
        var code = await client.WaitForExitAsync(Limit);

        // Then the loss is not silent: exit 1 and why on stderr
        code.Should().Be(1, "the statistics were not delivered; stderr: " + client.Stderr);
        client.Stderr.Should().MatchRegex(@"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d write /dev/stdout: broken pipe\s*$");
    }

    [Fact]
    public async Task StatisticsToAFullDeviceFailTheCommand()
    {
        await using var client = CtrafficProcess.StartInShell(
            "exec \"$CTRAFFIC\" \"$@\" >/dev/full", "-local", "-nconn", "1", "-rate", "10", "-timeout", "1s");

        var code = await client.WaitForExitAsync(Limit);

        code.Should().Be(1);
        client.Stderr.Should().Contain("write /dev/stdout: no space left on device");
    }

    [Fact]
    public async Task StatisticsToAFileSharedWithStderrKeepTheMonitorLines()
    {
        // Given stdout and stderr on one file (`>file 2>&1`)
        var file = Path.Combine(Path.GetTempPath(), $"ctraffic-{Guid.NewGuid():N}.log");
        try
        {
            await using var client = CtrafficProcess.StartInShell($"exec \"$CTRAFFIC\" \"$@\" >'{file}' 2>&1", MonitoredRun);

            var code = await client.WaitForExitAsync(Limit);

            // Then the statistics come after the monitor lines, none written over
            code.Should().Be(0);
            var lines = await File.ReadAllLinesAsync(file, TestContext.Current.CancellationToken);
            lines.Should().HaveCountGreaterThanOrEqualTo(2);
            lines[..^1].Should().OnlyContain(l => l.StartsWith("Conn act/fail/connecting: ", StringComparison.Ordinal));
            Json(lines[^1]).GetProperty("Sent").GetInt64().Should().BePositive();
        }
        finally
        {
            File.Delete(file);
        }
    }
}
