using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentAssertions;

namespace Ctraffic.Cli.Tests;

/// <summary>The real <c>ctraffic</c> command as separate server and client processes on loopback.</summary>
public partial class ProcessTests
{
    private const int Sigterm = 15;

    [GeneratedRegex(@"^Conn act/fail/connecting: \d+/\d+/\d+, Packets send/rec/dropped: \d+/\d+/\d+$")]
    private static partial Regex MonitorLine();

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;

    [Fact]
    public async Task FiftyConnectionsForFiveSecondsLoseNothing()
    {
        var port = FreePort.Get();
        await using var server = await CtrafficProcess.StartServerAsync(port);

        var (code, stdout, stderr) = await CtrafficProcess.RunAsync(TimeSpan.FromSeconds(30),
            "-address", $"127.0.0.1:{port}", "-nconn", "50", "-rate", "100", "-timeout", "5s", "-monitor", "-stats", "all");

        code.Should().Be(0, stderr);
        var stats = Json(stdout);
        var sent = stats.GetProperty("Sent").GetInt64();
        sent.Should().Be(stats.GetProperty("Received").GetInt64());
        sent.Should().BeInRange(475, 525, "100 KB/s of 1 KB packets for 5 s is 500 packets, within 5%");
        stats.GetProperty("Dropped").GetInt64().Should().Be(0);
        stats.GetProperty("FailedConnections").GetInt64().Should().Be(0);
        var conns = stats.GetProperty("ConnStats").EnumerateArray().ToList();
        conns.Should().HaveCount(50).And.OnlyContain(c => c.GetProperty("Host").GetString() == "backend-x");
        stats.GetProperty("Samples").GetArrayLength().Should().BeGreaterThanOrEqualTo(3);
        var monitor = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        monitor.Should().HaveCountGreaterThanOrEqualTo(3).And.OnlyContain(l => MonitorLine().IsMatch(l));
        string.Join(",", stats.EnumerateObject().Select(p => p.Name)).Should().Be(
            "Started,Duration,Rate,Connections,PacketSize,FailedConnections,Sent,Received,Dropped,Retransmits,FailedConnects,DroppedLocal,PacingLagP99,PacingLagMax,ConnStats,Samples,Rtt,CorrectedRtt");
        stats.GetProperty("Rtt").GetProperty("Count").GetInt64().Should().Be(stats.GetProperty("Received").GetInt64(), "a round trip per echo");
        stats.GetProperty("CorrectedRtt").GetProperty("P99").GetInt64().Should().BeGreaterThanOrEqualTo(stats.GetProperty("Rtt").GetProperty("P99").GetInt64());
    }

    [Fact]
    public async Task AServerKilledMidRunFailsEveryConnection()
    {
        var port = FreePort.Get();
        var server = await CtrafficProcess.StartServerAsync(port);
        await using var client = CtrafficProcess.Start("-address", $"127.0.0.1:{port}", "-nconn", "40", "-rate", "10", "-timeout", "12s", "-monitor");
        (await client.WaitForOutputAsync("Conn act/fail/connecting: 40/0/0", TimeSpan.FromSeconds(10))).Should().BeTrue(client.Stderr);
        (await client.WaitForOutputAsync("\n", TimeSpan.FromSeconds(10))).Should().BeTrue();
        await Task.Delay(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken); // part of the scenario: the server dies ~5 s in
        server.KillHard();
        await server.DisposeAsync();

        var code = await client.WaitForExitAsync(TimeSpan.FromSeconds(20));

        code.Should().Be(0, client.Stderr);
        var stats = Json(client.Stdout);
        stats.GetProperty("FailedConnections").GetInt64().Should().Be(40);
        stats.GetProperty("FailedConnects").GetInt64().Should().BePositive();
        // The end of each connection is seen when it happens, so usually no packet is lost with it.
        stats.GetProperty("Received").GetInt64().Should().BeLessThanOrEqualTo(stats.GetProperty("Sent").GetInt64());
    }

    [Fact]
    public async Task SigtermPrintsTheStatisticsAndExits()
    {
        await using var client = CtrafficProcess.Start("-local", "-nconn", "3", "-rate", "30", "-timeout", "60s", "-monitor");
        (await client.WaitForOutputAsync("Conn act/fail/connecting: 3/0/0", TimeSpan.FromSeconds(10))).Should().BeTrue(client.Stderr);

        client.Signal(Sigterm);
        var code = await client.WaitForExitAsync(TimeSpan.FromSeconds(10));

        code.Should().Be(0, client.Stderr);
        var stats = Json(client.Stdout);
        stats.GetProperty("Received").GetInt64().Should().BePositive();
        stats.GetProperty("Duration").GetInt64().Should().BeLessThan(30_000_000_000);
        stats.GetProperty("FailedConnections").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task AnUnreachableServerIsCountedNotFatal()
    {
        var (code, stdout, stderr) = await CtrafficProcess.RunAsync(TimeSpan.FromSeconds(20),
            "-address", $"127.0.0.1:{FreePort.Get()}", "-timeout", "3s");

        code.Should().Be(0, stderr);
        var stats = Json(stdout);
        stats.GetProperty("FailedConnects").GetInt64().Should().BePositive();
        stats.GetProperty("Sent").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task RunningOutOfSlotsPrintsStatisticsThenTooManyReconnects()
    {
        var port = FreePort.Get();
        var server = await CtrafficProcess.StartServerAsync(port);
        await using var client = CtrafficProcess.Start("-address", $"127.0.0.1:{port}", "-nconn", "3", "-rate", "30", "-retries", "1", "-timeout", "30s", "-monitor");
        (await client.WaitForOutputAsync("Conn act/fail/connecting: 3/0/0", TimeSpan.FromSeconds(10))).Should().BeTrue(client.Stderr);

        server.KillHard();
        await server.DisposeAsync();
        var code = await client.WaitForExitAsync(TimeSpan.FromSeconds(15));

        code.Should().Be(1);
        Json(client.Stdout).GetProperty("FailedConnections").GetInt64().Should().BeGreaterThanOrEqualTo(1);
        client.Stderr.Should().MatchRegex(@"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d Too many re-connects: 3");
    }

    [Fact]
    public async Task BadInputFromARealProcessIsOneLineAndExitCodeTwo()
    {
        var (code, stdout, stderr) = await CtrafficProcess.RunAsync(TimeSpan.FromSeconds(10), "-nconn", "abc");

        code.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().StartWith("ctraffic: invalid value \"abc\" for flag -nconn").And.NotContain("   at ");
    }

    [Fact]
    public async Task TheServerUsesOneFileDescriptorPerConnection()
    {
        var port = FreePort.Get();
        await using var server = await CtrafficProcess.StartServerAsync(port);
        var fds = () => Directory.GetFiles($"/proc/{server.Id}/fd").Length;
        await Task.Delay(200, TestContext.Current.CancellationToken); // let the probe connection close
        var before = fds();
        var clients = new List<Socket>();
        for (var i = 0; i < 100; i++)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await s.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), TestContext.Current.CancellationToken);
            clients.Add(s);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (fds() < before + 100 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var after = fds();
        clients.ForEach(c => c.Dispose());

        (after - before).Should().BeInRange(100, 103, "one socket per connection, no pipes");
    }

    [Fact]
    public async Task RunningOutOfFileDescriptorsMakesTheServerWaitNotCrash()
    {
        var port = FreePort.Get();
        await using var server = await CtrafficProcess.StartServerAsync(port, "tight");
        var setLimit = System.Diagnostics.Process.Start("prlimit", ["--pid", server.Id.ToString(), "--nofile=200:200"]);
        await setLimit.WaitForExitAsync(TestContext.Current.CancellationToken);
        setLimit.ExitCode.Should().Be(0);

        var clients = new List<Socket>();
        for (var i = 0; i < 250; i++)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await s.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), TestContext.Current.CancellationToken);
            clients.Add(s);
        }

        (await server.WaitForOutputAsync("too many open files", TimeSpan.FromSeconds(10)))
            .Should().BeTrue("the server logs that it is at its open-file limit: " + server.Stderr);
        clients.ForEach(c => c.Dispose());

        // Descriptors are free again: the server goes on accepting and answering.
        var reply = Array.Empty<byte>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (reply.Length < 5 && DateTime.UtcNow < deadline)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await s.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), TestContext.Current.CancellationToken);
            await s.SendAsync(new byte[64], SocketFlags.None, TestContext.Current.CancellationToken);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(3));
            var buffer = new byte[64];
            try
            {
                var n = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                reply = buffer[..n];
            }
            catch (OperationCanceledException)
            {
            }
        }

        System.Text.Encoding.ASCII.GetString(reply).Should().StartWith("tight");
    }
}
