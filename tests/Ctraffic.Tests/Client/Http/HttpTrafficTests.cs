using Ctraffic.Client;
using Ctraffic.Server.Http;
using Ctraffic.Statistics;
using FluentAssertions;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Ctraffic.Tests.Client.Http;

/// <summary>HTTP, HTTP/2 and gRPC runs against real servers: ours, and Kestrel apps made here.</summary>
public class HttpTrafficTests
{
    private static TrafficOptions Options(string address, TrafficClient client, int connections = 4, double rate = 80, double seconds = 2) => new()
    {
        Address = address,
        Client = client,
        Connections = connections,
        RequestRate = rate,
        Duration = TimeSpan.FromSeconds(seconds),
        MaxConnectBackoff = TimeSpan.FromMilliseconds(100),

        // Generous: the machine may be busy, and only the read time-out test is about time-outs.
        ReadTimeout = TimeSpan.FromSeconds(5),
    };

    private static string Errors(TrafficStatistics stats) => string.Join("; ", stats.ConnStats.Where(c => c.Failed).Select(c => c.Error));

    private static Task<HttpServer> OurServerAsync(string host = "web-1") => HttpServer.StartAsync(new HttpServerOptions
    {
        Address = "127.0.0.1:0",
        Http2Address = "127.0.0.1:0",
        HostName = host,
    }, TestContext.Current.CancellationToken);

    [Theory]
    [InlineData(TrafficClient.Http)]
    [InlineData(TrafficClient.Http2)]
    [InlineData(TrafficClient.Grpc)]
    public async Task EveryClientTypeGetsOnlySuccessesFromOurServer(TrafficClient client)
    {
        await using var server = await OurServerAsync();
        var address = client == TrafficClient.Http ? server.ConnectAddress : server.Http2ConnectAddress;

        var stats = await TrafficRun.Start(Options(address, client), TestContext.Current.CancellationToken).Completion;

        stats.FailedConnections.Should().Be(0, Errors(stats));
        (stats.Sent + stats.Dropped).Should().BeInRange(120, 170, "80 requests/s for 2 s, those a busy machine sent late dropped");
        stats.Sent.Should().BeGreaterThan(40);
        stats.Received.Should().Be(stats.Sent);
        stats.Http!.FailedRequests.Should().Be(0);
        stats.Http.ErrorResponses.Should().Be(0);
        stats.Http.Statuses.Should().ContainSingle().Which.Value.Should().Be(stats.Sent);
        stats.Http.WireAttempts.Should().Be(stats.Sent);
        stats.ConnStats.Should().HaveCount(4).And.OnlyContain(c => c.Host == "web-1" && c.Error == null && c.Remote == address);
        StatisticsJson.Read(StatisticsJson.Write(stats)).Http.Should().BeEquivalentTo(stats.Http);
    }

    [Fact]
    public async Task A503IsCountedByStatusNotAsAFailure()
    {
        await using var server = await OurServerAsync();
        var options = Options(server.ConnectAddress, TrafficClient.Http);
        options.HttpPath = "/status/503";

        var stats = await TrafficRun.Start(options, TestContext.Current.CancellationToken).Completion;

        stats.Sent.Should().BePositive();
        stats.Received.Should().Be(0, "a 503 is no success");
        stats.Http!.ErrorResponses.Should().Be(stats.Sent);
        stats.Http.Statuses.Should().Equal(new Dictionary<string, long> { ["503"] = stats.Sent });
        stats.Http.FailedRequests.Should().Be(0);
        stats.FailedConnections.Should().Be(0, "the connection answered");
        stats.ConnStats.Should().OnlyContain(c => c.Host == "web-1");
    }

    [Fact]
    public async Task ASuccessSetOfTheTestDecidesWhatIsAnError()
    {
        await using var server = await OurServerAsync();
        var options = Options(server.ConnectAddress, TrafficClient.Http, seconds: 1);
        options.HttpPath = "/status/404";
        options.SuccessStatusCodes = new HashSet<int> { 200, 404 };

        var stats = await TrafficRun.Start(options, TestContext.Current.CancellationToken).Completion;

        stats.Received.Should().Be(stats.Sent).And.BePositive();
        stats.Http!.ErrorResponses.Should().Be(0);
    }

    [Fact]
    public async Task ConnectionCloseIsRemadeWithoutAFailedRequest()
    {
        await using var kestrel = await TestKestrel.StartAsync(HttpProtocols.Http1, context =>
        {
            context.Response.Headers.Connection = "close";
            return TestKestrel.OkAsync(context);
        });

        var stats = await TrafficRun.Start(Options(kestrel.Address, TrafficClient.Http), TestContext.Current.CancellationToken).Completion;

        stats.Http!.FailedRequests.Should().Be(0, Errors(stats));
        stats.FailedConnections.Should().Be(0);
        stats.Received.Should().BeInRange(stats.Sent - 4, stats.Sent, "a request whose new connection the end of the run cut off is abandoned, not failed");
        stats.Http.ClosedByServer.Should().BeGreaterThanOrEqualTo(stats.Received - 4, "every response closes its connection")
            .And.BePositive();
        stats.ConnStats.Should().HaveCountGreaterThanOrEqualTo((int)stats.Http.ClosedByServer).And.HaveCountLessThanOrEqualTo(4 + (int)stats.Http.ClosedByServer)
            .And.OnlyContain(c => c.Error == null);
        stats.ConnStats.Where(c => c.Received > 0).Should().HaveCountGreaterThanOrEqualTo(4, "each lane went through connections").And.OnlyContain(c => c.Host == "kestrel-1");
    }

    [Fact]
    public async Task GoAwayIsRemadeWithoutAFailedRequest()
    {
        var served = 0;
        await using var kestrel = await TestKestrel.StartAsync(HttpProtocols.Http2, context =>
        {
            // Every 10th request closes its connection gracefully: Kestrel sends GOAWAY.
            if (Interlocked.Increment(ref served) % 10 == 0)
            {
                context.Features.Get<IConnectionLifetimeNotificationFeature>()!.RequestClose();
            }

            return TestKestrel.OkAsync(context);
        });

        var stats = await TrafficRun.Start(Options(kestrel.Address, TrafficClient.Http2), TestContext.Current.CancellationToken).Completion;

        stats.Http!.FailedRequests.Should().Be(0, Errors(stats));
        stats.FailedConnections.Should().Be(0);
        stats.Received.Should().Be(stats.Sent).And.BePositive();
        stats.Http.ClosedByServer.Should().BeGreaterThanOrEqualTo(10);
        stats.ConnStats.Should().HaveCount(4 + (int)stats.Http.ClosedByServer).And.OnlyContain(c => c.Error == null);
    }

    [Fact]
    public async Task AConnectionAbortedMidResponseIsAFailedRequestAndALostConnection()
    {
        var served = 0;
        var aborted = 0;
        await using var kestrel = await TestKestrel.StartAsync(HttpProtocols.Http1, async context =>
        {
            if (Interlocked.Increment(ref served) % 10 == 0)
            {
                // Part of the body, then the connection goes: no HTTP client may retry that.
                context.Response.Headers["ctraffic-host"] = "kestrel-1";
                await context.Response.WriteAsync("o", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                Interlocked.Increment(ref aborted);
                context.Abort();
                return;
            }

            await TestKestrel.OkAsync(context);
        });

        var stats = await TrafficRun.Start(Options(kestrel.Address, TrafficClient.Http, seconds: 3), TestContext.Current.CancellationToken).Completion;

        stats.Http!.FailedRequests.Should().Be(Volatile.Read(ref aborted)).And.BePositive();
        stats.FailedConnections.Should().Be(stats.Http.FailedRequests, "each failed request lost its connection");
        stats.Http.ClosedByServer.Should().Be(0);
        stats.ConnStats.Where(c => c.Failed).Should().OnlyContain(c => c.Error!.StartsWith("read tcp 127.0.0.1:", StringComparison.Ordinal));
        stats.Received.Should().Be(stats.Sent - stats.Http.FailedRequests);
    }

    [Fact]
    public async Task AResponseLaterThanTheReadTimeoutIsAFailedRequest()
    {
        var served = 0;
        await using var kestrel = await TestKestrel.StartAsync(HttpProtocols.Http2, async context =>
        {
            if (Interlocked.Increment(ref served) == 5)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            await TestKestrel.OkAsync(context);
        });
        var options = Options(kestrel.Address, TrafficClient.Http2, connections: 1, rate: 20, seconds: 3.5);
        options.ReadTimeout = TimeSpan.FromMilliseconds(300);

        var stats = await TrafficRun.Start(options, TestContext.Current.CancellationToken).Completion;

        stats.Http!.FailedRequests.Should().Be(1);
        stats.Http.WireFailures.Should().Be(1, "with no handler of the test, the request's one attempt on the wire failed");
        stats.Http.WireAttempts.Should().Be(stats.Sent);
        stats.FailedConnections.Should().Be(1);
        stats.ConnStats[0].Error.Should().EndWith(": i/o timeout");
        stats.ConnStats.Should().HaveCount(2, "the lane re-connected");
        stats.ConnStats[1].Received.Should().BePositive();
    }

    [Fact]
    public async Task GrpcHealthChecksGoOnThroughAKillAndARestart()
    {
        var server = await OurServerAsync("grpc-1");
        var port = server.Http2EndPoint!.Port;
        var options = Options(server.Http2ConnectAddress, TrafficClient.Grpc, connections: 4, rate: 80, seconds: 4);
        await using var run = TrafficRun.Start(options, TestContext.Current.CancellationToken);
        (await Eventually.TrueAsync(() => run.Snapshot().Received >= 20, TimeSpan.FromSeconds(5))).Should().BeTrue();

        await server.KillAsync();
        await server.DisposeAsync();
        var failed = await Eventually.TrueAsync(() => run.Snapshot().FailedConnects >= 8, TimeSpan.FromSeconds(5));
        await using var restarted = await HttpServer.StartAsync(new HttpServerOptions { Address = null, Http2Address = $"127.0.0.1:{port}", HostName = "grpc-2" }, TestContext.Current.CancellationToken);
        var stats = await run.Completion;

        failed.Should().BeTrue("nothing listens between the kill and the restart");
        stats.Http!.FailedRequests.Should().Be(stats.FailedConnections, "only a call in flight at the kill fails");
        (stats.Http.ClosedByServer + stats.FailedConnections).Should().Be(4, "the kill ended each lane's connection, between calls or in one");
        stats.Http.Statuses.Keys.Should().Equal("grpc SERVING");
        stats.ConnStats.Where(c => c.Host == "grpc-2").Should().HaveCount(4, "every lane came back, to the new server")
            .And.OnlyContain(c => c.Received > 0 && c.Error == null);
        run.GetReport().Outages.Should().HaveCountGreaterThanOrEqualTo(4, "every lane was down until the restart").And.OnlyContain(o => o.Recovered);
    }

    [Fact]
    public async Task ARetryHandlerOfTheTestHidesWireFailuresFromTheRequests()
    {
        var served = 0;
        await using var kestrel = await TestKestrel.StartAsync(HttpProtocols.Http1, context =>
        {
            if (Interlocked.Increment(ref served) % 20 == 0)
            {
                context.Abort();
                return Task.CompletedTask;
            }

            return TestKestrel.OkAsync(context);
        });
        var options = Options(kestrel.Address, TrafficClient.Http);
        options.HttpHandler = wire => new RetryOnce(wire);

        var stats = await TrafficRun.Start(options, TestContext.Current.CancellationToken).Completion;

        stats.Http!.FailedRequests.Should().Be(0, "the retry hid every failure from the application");
        stats.Received.Should().Be(stats.Sent);
        stats.Http.WireFailures.Should().BeGreaterThanOrEqualTo(5, "the wire saw them");
        stats.Http.WireAttempts.Should().Be(stats.Sent + stats.Http.WireFailures);
        stats.FailedConnections.Should().Be(stats.Http.WireFailures, "each broke its connection");
        stats.ConnStats.Where(c => c.Failed).Should().OnlyContain(c => c.Error!.StartsWith("read tcp", StringComparison.Ordinal));
    }

    /// <summary>A retry policy of a test: one more attempt after an exception.</summary>
    private sealed class RetryOnce(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException)
            {
                return await base.SendAsync(request, cancellationToken);
            }
        }
    }
}
