using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FluentAssertions;

namespace Ctraffic.Cli.Tests;

/// <summary>The largest numbers the command takes work within bounds, as real processes.</summary>
public class LimitsProcessTests
{
    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;

    private static int Descriptors(int pid)
    {
        try
        {
            return Directory.GetFiles($"/proc/{pid}/fd").Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    [Fact]
    public async Task ConnectionsWaitingForAConnectSlotHoldNoSocketAndGiveUpAtTheEnd()
    {
        // Given a server that never accepts: its queue fills and every further connect hangs
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);

        // When 5 000 connections are asked for a 3 s run
        await using var client = CtrafficProcess.Start(
            "-address", $"127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}", "-nconn", "5000", "-rate", "1", "-timeout", "3s");
        var most = 0;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        var exited = client.WaitForExitAsync(TimeSpan.FromSeconds(60));
        while (!exited.IsCompleted)
        {
            most = Math.Max(most, Descriptors(client.Id));
            await Task.WhenAny(exited, Task.Delay(10, limit.Token));
        }

        // Then at most the 512 connects in flight hold a socket, and the run ends on time
        (await exited).Should().Be(0, client.Stderr);
        most.Should().BeLessThan(900, "sockets are made when their connect slot is granted, not 5 000 up front");
        Json(client.Stdout).GetProperty("Duration").GetInt64().Should().BeLessThan(10_000_000_000,
            "connections still waiting for a slot at the end give up (they used to connect one batch after another)");
    }
}
