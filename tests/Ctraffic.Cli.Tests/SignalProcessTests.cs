using System.Text.Json;
using FluentAssertions;

namespace Ctraffic.Cli.Tests;

/// <summary>Stopping the client by signal, also when its parent started it with the signal ignored.</summary>
public class SignalProcessTests
{
    private const int Sigint = 2;
    private const int Sigterm = 15;

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;

    [Theory]
    [InlineData("INT", Sigint)]
    [InlineData("TERM", Sigterm)]
    public async Task AClientStartedWithTheSignalIgnoredIsStoppedByItAndPrintsItsStatistics(string name, int signal)
    {
        // Given a client started as a script's background job is: with the signal ignored
        await using var client = CtrafficProcess.StartInShell(
            $"trap '' {name}; exec \"$CTRAFFIC\" \"$@\"", "-local", "-nconn", "3", "-rate", "30", "-timeout", "60s", "-monitor");
        (await client.WaitForOutputAsync("Conn act/fail/connecting: 3/0/0", TimeSpan.FromSeconds(15))).Should().BeTrue(client.Stderr);

        // When it gets the signal
        client.Signal(signal);
        var code = await client.WaitForExitAsync(TimeSpan.FromSeconds(15));

        // Then it stops at once and prints its statistics
        code.Should().Be(0, client.Stderr);
        var stats = Json(client.Stdout);
        stats.GetProperty("Received").GetInt64().Should().BePositive();
        stats.GetProperty("Duration").GetInt64().Should().BeLessThan(30_000_000_000);
    }
}
