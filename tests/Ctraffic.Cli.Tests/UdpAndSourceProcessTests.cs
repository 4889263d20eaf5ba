using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FluentAssertions;

namespace Ctraffic.Cli.Tests;

/// <summary>The real <c>ctraffic</c> command with <c>-udp</c>, <c>-srccidr</c> and <c>-srcfile</c>, on loopback.</summary>
public sealed class UdpAndSourceProcessTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (var f in _files)
        {
            File.Delete(f);
        }
    }

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;

    private static List<string> Locals(JsonElement stats) => stats.GetProperty("ConnStats").EnumerateArray()
        .Where(c => c.GetProperty("Connect").GetInt64() > 0)
        .Select(c => c.GetProperty("Local").GetString()!)
        .ToList();

    private static string AddressOf(string hostPort) => HostPort.Parse(hostPort).Host;

    private string TempFile(params string[] lines)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ctraffic-src-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(path, lines);
        _files.Add(path);
        return path;
    }

    [Fact]
    public async Task AUdpClientAgainstAUdpServerGetsEveryDatagramEchoed()
    {
        var port = FreePort.Get();
        await using var server = await CtrafficProcess.StartServerAsync(port, "udp-x", "-udp");

        var (code, stdout, stderr) = await CtrafficProcess.RunAsync(Limit,
            "-udp", "-address", $"127.0.0.1:{port}", "-nconn", "5", "-rate", "50", "-timeout", "3s", "-stats", "all");

        code.Should().Be(0, stderr);
        var stats = Json(stdout);
        var sent = stats.GetProperty("Sent").GetInt64();
        sent.Should().BeInRange(75, 160, "5 connections × 10 packets/s × 3 s = 150 (fewer on a busy machine)");
        stats.GetProperty("Received").GetInt64().Should().Be(sent);
        stats.GetProperty("FailedConnections").GetInt64().Should().Be(0);
        var conns = stats.GetProperty("ConnStats").EnumerateArray().ToList();
        conns.Should().HaveCount(5).And.OnlyContain(c => c.GetProperty("Host").GetString() == "udp-x"
            && c.GetProperty("Remote").GetString() == $"127.0.0.1:{port}" && c.GetProperty("Ended").GetInt64() == 3_000_000_000);
    }

    [Fact]
    public async Task AUdpClientWithoutAServerLosesEveryPacketAndExitsNormally()
    {
        using var gone = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        gone.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var address = HostPort.Format(gone.LocalEndPoint);
        gone.Dispose();

        var (code, stdout, stderr) = await CtrafficProcess.RunAsync(Limit, "-udp", "-address", address, "-nconn", "2", "-rate", "20", "-timeout", "2s");

        code.Should().Be(0, stderr);
        var stats = Json(stdout);
        stats.GetProperty("Sent").GetInt64().Should().BePositive();
        stats.GetProperty("Received").GetInt64().Should().Be(0);
        stats.GetProperty("FailedConnections").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task SrccidrGivesEachConnectionItsOwnAddress()
    {
        var (code, stdout, stderr) = await CtrafficProcess.RunAsync(Limit,
            "-local", "-srccidr", "127.3.0.0/29", "-nconn", "4", "-rate", "40", "-timeout", "2s", "-stats", "all");

        code.Should().Be(0, stderr);
        var stats = Json(stdout);
        stats.GetProperty("Received").GetInt64().Should().Be(stats.GetProperty("Sent").GetInt64()).And.BePositive();
        Locals(stats).Select(AddressOf).Should().BeEquivalentTo(["127.3.0.1", "127.3.0.2", "127.3.0.3", "127.3.0.4"]);
    }

    [Fact]
    public async Task SrcfileWithFewerAddressesThanConnectionsRunsOutPrintsStatisticsAndExitsOne()
    {
        var file = TempFile("# three source addresses", "127.2.0.1", "", "127.2.0.2", "127.2.0.3");

        var (code, stdout, stderr) = await CtrafficProcess.RunAsync(Limit,
            "-local", "-srcfile", file, "-nconn", "5", "-timeout", "10s", "-stats", "all");

        code.Should().Be(1);
        stderr.Should().MatchRegex(@"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d Ran out of source addresses\s*$");
        var stats = Json(stdout);
        stats.GetProperty("Duration").GetInt64().Should().BeLessThan(5_000_000_000, "running out ends the run at once");
        // Connections that were still connecting when the run ended have no local address; the
        // others used distinct addresses of the file.
        Locals(stats).Select(AddressOf).Should().NotBeEmpty().And.OnlyHaveUniqueItems().And.BeSubsetOf(["127.2.0.1", "127.2.0.2", "127.2.0.3"]);
    }

    [Theory]
    [InlineData("10.0.0.1\n10.0.0.300", "line 2")]
    [InlineData("10.0.0.1\n# ok\nlocalhost:7000", "line 3")]
    public async Task ABadSrcfileLineIsAUsageErrorNamingTheLine(string content, string line)
    {
        var file = TempFile(content.Split('\n'));

        var (code, stdout, stderr) = await CtrafficProcess.RunAsync(Limit, "-local", "-srcfile", file, "-timeout", "1s");

        code.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().Contain($"-srcfile: {line}:");
    }

    [Fact]
    public async Task ABadSrccidrIsAUsageError()
    {
        var (code, _, stderr) = await CtrafficProcess.RunAsync(Limit, "-local", "-srccidr", "127.3.0.0/33", "-timeout", "1s");

        code.Should().Be(2);
        stderr.Should().Contain("invalid value \"127.3.0.0/33\" for flag -srccidr: prefix length must be 0 to 32");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnIPv6SrccidrBindsEachConnectionToItsAddress(bool udp)
    {
        // Three addresses of a random fd00:c7af:X::/126 on lo (needs root), removed at the end.
        var prefix = $"fd00:c7af:{Random.Shared.Next(1, 0xffff):x}:";
        var added = new List<string>();
        try
        {
            for (var i = 1; i <= 3; i++)
            {
                var address = $"{prefix}:{i}";
                var (ok, error) = await RunIpAsync("-6", "addr", "add", $"{address}/128", "dev", "lo", "nodad");
                if (!ok)
                {
                    Assert.Skip($"cannot add an IPv6 address to lo (needs root and the ip command; user {Environment.UserName}): {error}");
                }

                added.Add(address);
            }

            string[] args = ["-local", "-address", "[::1]:0", "-srccidr", $"{prefix}:/126", "-nconn", "3", "-rate", "30", "-timeout", "2s", "-stats", "all"];
            var (code, stdout, stderr) = await CtrafficProcess.RunAsync(Limit, udp ? ["-udp", .. args] : args);

            code.Should().Be(0, stderr);
            var stats = Json(stdout);
            stats.GetProperty("Received").GetInt64().Should().Be(stats.GetProperty("Sent").GetInt64()).And.BePositive();
            Locals(stats).Select(l => IPAddress.Parse(AddressOf(l))).Should().BeEquivalentTo(added.Select(IPAddress.Parse));
        }
        finally
        {
            foreach (var address in added)
            {
                await RunIpAsync("-6", "addr", "del", $"{address}/128", "dev", "lo");
            }
        }
    }

    private static async Task<(bool Ok, string Error)> RunIpAsync(params string[] args)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        try
        {
            using var p = Process.Start(info)!;
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var error = p.StandardError.ReadToEndAsync(cts.Token);
            await p.WaitForExitAsync(cts.Token);
            return (p.ExitCode == 0, (await error).Trim());
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (false, ex.Message);
        }
    }
}
