using Ctraffic.Client;
using Ctraffic.Reports;
using Ctraffic.Testing.Assertions;
using Ctraffic.Tests.Client.Http;
using FluentAssertions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Ctraffic.Testing.Tests.Http;

/// <summary>
/// The requests of an HTTP run by outcome in each window: counted in the window of their send
/// time, by status, and named in the messages (real Kestrel apps on loopback).
/// </summary>
public class RequestWindowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task ErrorResponsesAreCountedByStatusInTheWindowOfTheirRequests()
    {
        var ct = TestContext.Current.CancellationToken;
        var status = StatusCodes.Status200OK;
        await using var kestrel = await TestKestrel.StartAsync(HttpProtocols.Http1, context =>
        {
            context.Response.StatusCode = Volatile.Read(ref status);
            return TestKestrel.OkAsync(context);
        });
        await using var traffic = CtrafficFixture.Start(o => { o.Address = kestrel.Address; o.Client = TrafficClient.Http; o.Connections = 4; o.RequestRate = 100; o.ReadTimeout = TimeSpan.FromSeconds(5); });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        // The server changes first, the mark follows: every request sent after a mark is answered
        // by the server as it is after the change.
        Volatile.Write(ref status, StatusCodes.Status503ServiceUnavailable);
        traffic.Mark("503s");
        (await Eventually.TrueAsync(() => traffic.GetReport().Window("503s").Requests!.ErrorResponses >= 20, TimeSpan.FromSeconds(10))).Should().BeTrue();
        Volatile.Write(ref status, StatusCodes.Status200OK);
        traffic.Mark("healthy");
        (await Eventually.TrueAsync(() => traffic.GetReport().After("healthy").Requests!.Succeeded >= 20, TimeSpan.FromSeconds(10))).Should().BeTrue();
        var report = await traffic.StopAsync(ct);

        var failing = report.Window("503s").Requests!;
        failing.ErrorResponses.Should().BeGreaterThanOrEqualTo(20);
        failing.ErrorStatuses.Should().ContainSingle().Which.Should().Be(new KeyValuePair<string, long>("503", failing.ErrorResponses));
        report.After("healthy").Should().HaveSucceededEveryRequest("every request sent after the mark reached the healthy server");
        report.Should().HaveFailedNoRequests();

        var windows = new[] { report.Before("503s"), report.Window("503s"), report.After("healthy") };
        foreach (var window in windows)
        {
            var r = window.Requests!;
            r.Sent.Should().Be(r.Succeeded + r.ErrorResponses + r.Failed + r.InFlight, "every request of {0} has one outcome", window.Description);
        }

        windows.Sum(w => w.Requests!.ErrorResponses).Should().Be(report.Statistics.Http!.ErrorResponses, "the windows are a partition of the run");
        windows.Sum(w => w.Requests!.Sent).Should().Be(report.Requests!.Sent);

        var act = () => report.Window("503s").Should().HaveNoErrorResponses();
        act.Should().Throw<Exception>().WithMessage($"Expected no error responses, but {failing.ErrorResponses} of {failing.Sent} requests got an error response ({failing.ErrorResponses} x 503) (in window '503s', *");
    }

    [Fact(Timeout = 60_000)]
    public async Task RequestsAbortedByTheServerAreFailedRequestsNamedWithTheirHost()
    {
        var ct = TestContext.Current.CancellationToken;
        var abort = 0;
        await using var kestrel = await TestKestrel.StartAsync(HttpProtocols.Http1, context =>
        {
            if (Volatile.Read(ref abort) == 1)
            {
                context.Abort(); // the connection is reset with the request in flight
                return Task.CompletedTask;
            }

            return TestKestrel.OkAsync(context, "web-1");
        });
        await using var traffic = CtrafficFixture.Start(o => { o.Address = kestrel.Address; o.Client = TrafficClient.Http; o.Connections = 4; o.RequestRate = 100; o.ReadTimeout = TimeSpan.FromSeconds(5); });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        Volatile.Write(ref abort, 1);
        traffic.Mark("aborts");
        (await Eventually.TrueAsync(() => traffic.GetReport().Window("aborts").Requests!.Failed >= 4, TimeSpan.FromSeconds(10))).Should().BeTrue();
        Volatile.Write(ref abort, 0);
        traffic.Mark("healthy");
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(10), ct);
        var report = await traffic.StopAsync(ct);

        var aborts = report.Window("aborts");
        aborts.Requests!.Failed.Should().BeGreaterThanOrEqualTo(4);
        aborts.Requests.ErrorResponses.Should().Be(0, "an abort is no response");
        report.Before("aborts").Requests!.Failed.Should().BeLessThanOrEqualTo(4, "only a request in flight when the server changed (one per connection) fails before the mark");
        report.After("healthy").Requests!.Failed.Should().Be(0, "every request sent after the mark reached the healthy server");
        (report.Before("aborts").Requests!.Failed + aborts.Requests.Failed + report.After("healthy").Requests!.Failed)
            .Should().Be(report.Statistics.Http!.FailedRequests, "every failed request is in the window of its send time");

        var act = () => aborts.Should().HaveFailedNoRequests();
        var failure = act.Should().Throw<Exception>().WithMessage("Expected no failed requests, but * failed * after 'aborts' began, *web-1*: *reset by the peer (RST)*; the first: *(in window 'aborts', *").Which;
        TestContext.Current.TestOutputHelper?.WriteLine(failure.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task AStalledResponseAlsoCountsTheRequestsItsConnectionDidNotSendInTheCorrectedRoundTrips()
    {
        var ct = TestContext.Current.CancellationToken;
        var stall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stalling = 0;
        var heldSince = 0L;
        await using var kestrel = await TestKestrel.StartAsync(HttpProtocols.Http1, async context =>
        {
            if (Interlocked.Exchange(ref stalling, 0) == 1)
            {
                Volatile.Write(ref heldSince, TimeProvider.System.GetTimestamp());
                await stall.Task.WaitAsync(context.RequestAborted); // one response held until the test lets it go
            }

            await TestKestrel.OkAsync(context);
        });
        await using var traffic = CtrafficFixture.Start(o => { o.Address = kestrel.Address; o.Client = TrafficClient.Http; o.Connections = 1; o.RequestRate = 50; o.ReadTimeout = TimeSpan.FromSeconds(10); });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);

        Volatile.Write(ref stalling, 1);
        (await Eventually.TrueAsync(() => Volatile.Read(ref heldSince) is var t && t != 0 && TimeProvider.System.GetElapsedTime(t) >= TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(10))).Should().BeTrue();
        stall.SetResult();
        (await Eventually.TrueAsync(() => traffic.Snapshot().Received >= 40, TimeSpan.FromSeconds(10))).Should().BeTrue();
        var report = await traffic.StopAsync(ct);

        // One response took at least 10 intervals of 20 ms: the raw round trips count it once, the
        // corrected ones also count the requests the connection did not send meanwhile.
        report.Rtt.Max.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(200));
        report.CorrectedRtt.Count.Should().BeGreaterThanOrEqualTo(report.Rtt.Count + 9);
        report.CorrectedRtt.Max.Should().Be(report.Rtt.Max);
        report.CorrectedRtt.P90.Should().BeGreaterThan(report.Rtt.P90);
    }

    [Fact]
    public async Task RequestAssertionsOnEchoTrafficSayWhatIsMissing()
    {
        await using var traffic = CtrafficFixture.Start(o => o.Connections = 1);
        await traffic.WaitForSteadyStateAsync(cancellationToken: Ct);
        var report = await traffic.StopAsync(Ct);

        report.Requests.Should().BeNull();
        var act = () => report.Should().HaveFailedNoRequests();
        act.Should().Throw<InvalidOperationException>().WithMessage("HaveFailedNoRequests is for HTTP, HTTP/2 and gRPC traffic (o.Client = TrafficClient.Http, Http2 or Grpc); this is echo traffic*");
    }
}
