using System.Net;
using Ctraffic.Client.Http;
using FluentAssertions;

namespace Ctraffic.Tests.Client.Http;

/// <summary>The warm-up of the HTTP stack before a run: a whole request against a canned peer in memory.</summary>
public class HttpWarmUpTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task TheCannedPeerAnswersAWholeRequestOfEachKind(bool http2, bool grpc)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));

        var (status, body) = await HttpWarmUp.RequestAsync(http2, grpc, timeout.Token);

        status.Should().Be(HttpStatusCode.OK);
        body.Should().Be("ok");
    }
}
