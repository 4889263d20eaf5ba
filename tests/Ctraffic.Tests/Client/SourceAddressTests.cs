using System.Collections.Concurrent;
using System.Net;
using System.Numerics;
using Ctraffic.Client;
using Ctraffic.Server;
using FluentAssertions;

namespace Ctraffic.Tests.Client;

public class SourceAddressTests
{
    private static Cidr ParseCidr(string text)
    {
        Cidr.TryParse(text, out var cidr, out var error).Should().BeTrue(error);
        return cidr!;
    }

    private static bool Contains(Cidr cidr, IPAddress ip)
    {
        var first = cidr.Host(0);
        var last = cidr.Host(cidr.HostCount - 1);
        var value = new BigInteger(ip.GetAddressBytes(), isUnsigned: true, isBigEndian: true);
        return ip.AddressFamily == first.AddressFamily
            && value >= new BigInteger(first.GetAddressBytes(), isUnsigned: true, isBigEndian: true)
            && value <= new BigInteger(last.GetAddressBytes(), isUnsigned: true, isBigEndian: true);
    }

    [Theory]
    [InlineData("10.0.0.0/24", "10.0.0.0", 24, "256", "254", "10.0.0.1", "10.0.0.254")]
    [InlineData("10.1.2.3/24", "10.1.2.0", 24, "256", "254", "10.1.2.1", "10.1.2.254")]
    [InlineData("10.0.0.8/30", "10.0.0.8", 30, "4", "2", "10.0.0.9", "10.0.0.10")]
    [InlineData("10.0.0.8/31", "10.0.0.8", 31, "2", "2", "10.0.0.8", "10.0.0.9")]
    [InlineData("10.0.0.7/32", "10.0.0.7", 32, "1", "1", "10.0.0.7", "10.0.0.7")]
    [InlineData("0.0.0.0/0", "0.0.0.0", 0, "4294967296", "4294967294", "0.0.0.1", "255.255.255.254")]
    [InlineData("fd00::/120", "fd00::", 120, "256", "255", "fd00::1", "fd00::ff")]
    [InlineData("fd00::1:10.200.200.9/120", "fd00::1:ac8:c800", 120, "256", "255", "fd00::1:ac8:c801", "fd00::1:ac8:c8ff")]
    [InlineData("fd00::5/128", "fd00::5", 128, "1", "1", "fd00::5", "fd00::5")]
    [InlineData("::/0", "::", 0, "340282366920938463463374607431768211456", "340282366920938463463374607431768211455", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    public void ACidrGivesItsNetworkSizeAndHosts(string text, string network, int prefix, string size, string hosts, string firstHost, string lastHost)
    {
        var cidr = ParseCidr(text);

        cidr.Network.Should().Be(IPAddress.Parse(network));
        cidr.PrefixLength.Should().Be(prefix);
        cidr.Size.Should().Be(BigInteger.Parse(size, System.Globalization.CultureInfo.InvariantCulture));
        cidr.HostCount.Should().Be(BigInteger.Parse(hosts, System.Globalization.CultureInfo.InvariantCulture));
        cidr.Host(0).Should().Be(IPAddress.Parse(firstHost));
        cidr.Host(cidr.HostCount - 1).Should().Be(IPAddress.Parse(lastHost));
        cidr.ToString().Should().Be($"{IPAddress.Parse(network)}/{prefix}");
    }

    [Fact]
    public void HostsOutsideTheCidrAreRejected()
    {
        var cidr = ParseCidr("192.168.1.0/29");

        cidr.Invoking(c => c.Host(-1)).Should().Throw<ArgumentOutOfRangeException>();
        cidr.Invoking(c => c.Host(6)).Should().Throw<ArgumentOutOfRangeException>();
        cidr.Host(5).Should().Be(IPAddress.Parse("192.168.1.6"));
    }

    [Theory]
    [InlineData("10.0.0.0", "not a CIDR")]
    [InlineData("10.0.0.0/33", "prefix length must be 0 to 32")]
    [InlineData("fd00::/129", "prefix length must be 0 to 128")]
    [InlineData("10.0.0.0/-1", "prefix length")]
    [InlineData("10.0.0.0/+8", "prefix length")]
    [InlineData("10.0.0.0/", "prefix length")]
    [InlineData("10.0.0.0/ 8", "prefix length")]
    [InlineData("host/24", "'host' is not an IP address")]
    [InlineData("10/8", "'10' is not an IP address")]
    [InlineData("10.1/16", "'10.1' is not an IP address")]
    [InlineData("0x0a.0.0.0/8", "'0x0a.0.0.0' is not an IP address")]
    [InlineData("[fd00::]/120", "'[fd00::]' is not an IP address")]
    [InlineData("/24", "'' is not an IP address")]
    public void ABadCidrIsRejectedSayingWhy(string text, string reason)
    {
        Cidr.TryParse(text, out var cidr, out var error).Should().BeFalse();

        cidr.Should().BeNull();
        error.Should().Contain(reason);
    }

    [Fact]
    public void FromCidrGivesDistinctAddressesWhileTheCidrHasRoom()
    {
        var cidr = ParseCidr("127.1.0.0/28");
        var provider = SourceAddresses.FromCidr(cidr);

        var taken = Enumerable.Range(0, 14).Select(_ => provider.Acquire()!).ToList();

        taken.Select(e => e.Address).Should().OnlyHaveUniqueItems().And.OnlyContain(ip => Contains(cidr, ip));
        taken.Should().OnlyContain(e => e.Port == 0, "the system picks the port");
        taken[0].Address.Should().Be(IPAddress.Parse("127.1.0.1"));
        taken[13].Address.Should().Be(IPAddress.Parse("127.1.0.14"));
    }

    [Fact]
    public void FromCidrSharesAnAddressOnlyWhenAllAreTaken()
    {
        var provider = SourceAddresses.FromCidr(ParseCidr("10.0.0.0/30"));
        var a = provider.Acquire()!;
        var b = provider.Acquire()!;

        var c = provider.Acquire();

        a.Address.Should().NotBe(b.Address);
        c.Should().NotBeNull("more connections than addresses share them, the ports differ");
        c!.Address.Should().BeOneOf(a.Address, b.Address);
    }

    [Fact]
    public void MoreConnectionsThanAddressesShareThemEvenly()
    {
        var provider = SourceAddresses.FromCidr(ParseCidr("10.0.0.0/29")); // 6 addresses

        var taken = Enumerable.Range(0, 20).Select(_ => provider.Acquire()!.Address.ToString()).ToList();

        taken.GroupBy(a => a).Select(g => g.Count()).Should().HaveCount(6).And.OnlyContain(n => n == 3 || n == 4);
    }

    [Fact]
    public void FromCidrFindsTheFreeAddressInALargeFullNetworkQuickly()
    {
        var provider = SourceAddresses.FromCidr(ParseCidr("10.0.0.0/16")); // 65 534 addresses
        var all = Enumerable.Range(0, 65_534).Select(_ => provider.Acquire()!).ToList();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var shared = Enumerable.Range(0, 1000).Select(_ => provider.Acquire()!).ToList();
        provider.Release(all[40_000]);
        var free = provider.Acquire()!;

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "a full network is not searched for each shared address");
        shared.Select(e => e.Address).Should().OnlyHaveUniqueItems();
        free.Address.Should().Be(all[40_000].Address);
    }

    [Fact]
    public void FromCidrGivesAReleasedAddressAgain()
    {
        var provider = SourceAddresses.FromCidr(ParseCidr("10.0.0.0/29"));
        var all = Enumerable.Range(0, 6).Select(_ => provider.Acquire()!).ToList();

        provider.Release(all[3]);
        var again = provider.Acquire()!;

        again.Address.Should().Be(all[3].Address, "it is the only free one");
    }

    [Fact]
    public void FromCidrNeverGivesOneAddressToTwoLiveConnectionsUnderConcurrency()
    {
        var provider = SourceAddresses.FromCidr(ParseCidr("10.0.0.0/24")); // 254 addresses, at most 4 × 4 live
        var live = new ConcurrentDictionary<IPAddress, bool>();
        var duplicates = 0;

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            var mine = new List<IPEndPoint>();
            for (var i = 0; i < 5_000; i++)
            {
                if (mine.Count < 4 && (i % 3 != 0 || mine.Count == 0))
                {
                    var ep = provider.Acquire()!;
                    if (!live.TryAdd(ep.Address, true))
                    {
                        Interlocked.Increment(ref duplicates);
                    }

                    mine.Add(ep);
                }
                else
                {
                    var ep = mine[i % mine.Count];
                    mine.Remove(ep);
                    live.TryRemove(ep.Address, out _);
                    provider.Release(ep);
                }
            }

            foreach (var ep in mine)
            {
                live.TryRemove(ep.Address, out _);
                provider.Release(ep);
            }
        });

        duplicates.Should().Be(0);
        live.Should().BeEmpty();
    }

    [Fact]
    public void FromListGivesEachAddressOnceThenNone()
    {
        var a = new IPEndPoint(IPAddress.Parse("127.2.0.1"), 0);
        var b = new IPEndPoint(IPAddress.Parse("127.2.0.2"), 7000);
        var provider = SourceAddresses.FromList([a, b]);

        var first = provider.Acquire();
        provider.Release(first!);

        first.Should().Be(a);
        provider.Acquire().Should().Be(b);
        provider.Acquire().Should().BeNull("a released address is not given again");
    }

    [Fact]
    public void ParseFileReadsAddressesWithAndWithoutPortsSkippingBlankAndCommentLines()
    {
        string[] lines =
        [
            "# source addresses",
            "10.0.0.1",
            "",
            "   10.0.0.1:7000  ",
            "[1000::1:10.200.200.0]:7000",
            "[::1]",
            "fd00::1",
            "   ",
            "  # indented comment",
        ];

        var endPoints = SourceAddresses.ParseFile(lines);

        endPoints.Should().Equal(
            new IPEndPoint(IPAddress.Parse("10.0.0.1"), 0),
            new IPEndPoint(IPAddress.Parse("10.0.0.1"), 7000),
            new IPEndPoint(IPAddress.Parse("1000::1:10.200.200.0"), 7000),
            new IPEndPoint(IPAddress.IPv6Loopback, 0),
            new IPEndPoint(IPAddress.Parse("fd00::1"), 0));
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("localhost:7000")]
    [InlineData("10.0.0.1:70000")]
    [InlineData("10.0.0.1:")]
    [InlineData("[::1")]
    [InlineData("[10.0.0.1]:7000")]
    [InlineData("10")]
    [InlineData("10:7000")]
    [InlineData("010.0.0.1")]
    [InlineData("[10.0.0.1]")]
    [InlineData("fe80::1%lo")]
    [InlineData("10.0.0.0/24")]
    public void ParseFileRejectsABadLineNamingItsNumber(string bad)
    {
        var parse = () => SourceAddresses.ParseFile(["# ok", "10.0.0.1", "", bad, "10.0.0.2"]);

        parse.Should().Throw<FormatException>().WithMessage($"line 4: '{bad}'*");
    }

    [Fact]
    public async Task EachConnectionIsBoundToItsOwnAddressOfTheCidr()
    {
        await using var server = EchoServer.Start(new EchoServerOptions { Address = "127.0.0.1:0", HostName = "src" });
        var cidr = ParseCidr("127.1.0.0/28");
        var options = new TrafficOptions
        {
            Address = server.ConnectAddress,
            Connections = 5,
            RateKBps = 50,
            Duration = TimeSpan.FromSeconds(3),
            SourceAddresses = SourceAddresses.FromCidr(cidr),
        };
        await using var run = TrafficRun.Start(options, TestContext.Current.CancellationToken);
        (await Eventually.TrueAsync(() => server.RemoteEndPoints.Count == 5 && run.Snapshot().Active == 5, TimeSpan.FromSeconds(5))).Should().BeTrue();

        var seen = server.RemoteEndPoints.Select(HostPort.Format).ToList();
        var stats = await run.Completion.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        stats.Received.Should().Be(stats.Sent);
        stats.ConnStats.Select(c => c.Local).Should().BeEquivalentTo(seen, "the server sees the addresses the client reports");
        seen.Select(s => HostPort.Parse(s).IPAddress!).Should().OnlyHaveUniqueItems().And.OnlyContain(ip => Contains(cidr, ip));
    }

    [Fact]
    public async Task EveryAcquiredAddressIsReleasedAndReconnectsAreBoundAgain()
    {
        var first = EchoServer.Start(new EchoServerOptions { Address = "127.0.0.1:0", HostName = "first" });
        var port = first.LocalEndPoint.Port;
        var provider = new CountingProvider(SourceAddresses.FromCidr(ParseCidr("127.1.1.8/31")));
        var options = new TrafficOptions
        {
            Address = first.ConnectAddress,
            Connections = 2,
            RateKBps = 20,
            Duration = TimeSpan.FromSeconds(6),
            SourceAddresses = provider,
        };
        await using var run = TrafficRun.Start(options, TestContext.Current.CancellationToken);
        (await Eventually.TrueAsync(() => run.Snapshot().Received >= 4, TimeSpan.FromSeconds(5))).Should().BeTrue();

        await first.DisposeAsync();
        (await Eventually.TrueAsync(() => run.Snapshot().FailedConnections == 2, TimeSpan.FromSeconds(5))).Should().BeTrue();
        await using var second = EchoServer.Start(new EchoServerOptions { Address = $"127.0.0.1:{port}", HostName = "second" });
        (await Eventually.TrueAsync(() => run.GetStatistics().ConnStats.Count(c => c.Host == "second") == 2, TimeSpan.FromSeconds(5))).Should().BeTrue();

        var stats = await run.Completion.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        provider.Live.Should().Be(0, "every address acquired, for a connection or a failed connect, is released");
        provider.Acquired.Should().BeGreaterThanOrEqualTo(4);
        stats.ConnStats.Where(c => c.Connected != null).Select(c => HostPort.Parse(c.Local).IPAddress!.ToString())
            .Should().HaveCountGreaterThanOrEqualTo(4).And.OnlyContain(ip => ip == "127.1.1.8" || ip == "127.1.1.9");
    }

    private sealed class CountingProvider(ISourceAddressProvider inner) : ISourceAddressProvider
    {
        private int _live;
        private int _acquired;

        public int Live => Volatile.Read(ref _live);

        public int Acquired => Volatile.Read(ref _acquired);

        public IPEndPoint? Acquire()
        {
            Interlocked.Increment(ref _acquired);
            Interlocked.Increment(ref _live);
            return inner.Acquire();
        }

        public void Release(IPEndPoint endPoint)
        {
            Interlocked.Decrement(ref _live);
            inner.Release(endPoint);
        }
    }
}
