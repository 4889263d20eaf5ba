using Ctraffic.Client;
using Ctraffic.Statistics;
using Ctraffic.Testing.Assertions;
using FluentAssertions;

namespace Ctraffic.Testing.Tests.Http;

/// <summary>
/// HTTP, HTTP/2 and gRPC over TLS on loopback, with a certificate the test makes and that only the
/// traffic given it trusts.
/// </summary>
public class TlsTrafficTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(TrafficClient.Http, false)]
    [InlineData(TrafficClient.Http2, true)]
    [InlineData(TrafficClient.Grpc, true)]
    [InlineData(TrafficClient.Http2, false)]
    public async Task TrafficToAServerWithATestCertificateSpeaksTlsAndTrustsIt(TrafficClient client, bool http2Port)
    {
        var ct = TestContext.Current.CancellationToken;
        using var certificate = TestCertificate.Create();
        await using var server = await CtrafficServer.InProcessHttpAsync(http2Port, s => { s.HostName = "tls-1"; s.Certificate = certificate; }, cancellationToken: ct);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = server; o.Client = client; o.Connections = 2; o.RequestRate = 40; o.ReadTimeout = TimeSpan.FromSeconds(5); });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);
        (await Eventually.TrueAsync(() => traffic.Snapshot().Received >= 20, TimeSpan.FromSeconds(10))).Should().BeTrue();
        var report = await traffic.StopAsync(ct);

        report.Should().HaveSucceededEveryRequest().And.HaveLostNoConnections();
        report.Hosts.Select(h => h.Host).Should().Equal("tls-1");
        server.Certificate.Should().BeSameAs(certificate);
    }

    [Fact(Timeout = 60_000)]
    public async Task ACertificateTheTrafficWasNotGivenIsRefusedEvenWithTheMachinesRoots()
    {
        var ct = TestContext.Current.CancellationToken;
        using var served = TestCertificate.Create();
        using var other = TestCertificate.Create();
        await using var server = await CtrafficServer.InProcessHttpAsync(configure: s => s.Certificate = served, cancellationToken: ct);

        foreach (var trust in new[] { null, new[] { other } })
        {
            await using var traffic = CtrafficFixture.Start(o =>
            {
                o.Address = server.Address; // not o.Server: nothing is trusted by itself
                o.Client = TrafficClient.Http;
                o.Tls = true;
                o.TlsTrust = trust;
                o.Connections = 1;
                o.RequestRate = 20;
            });
            (await Eventually.TrueAsync(() => traffic.Run.GetStatistics().Http!.FailedRequests >= 2, TimeSpan.FromSeconds(10))).Should().BeTrue();
            var report = await traffic.StopAsync(ct);

            report.Received.Should().Be(0, "no request may go through a connection whose certificate is not trusted");
            report.LostConnections.Should().NotBeEmpty().And.OnlyContain(c => c.EndKind == ConnectionEndKind.Other);
            report.LostConnections[0].Error.Should().Contain("SSL connection could not be established");
        }
    }

    [Fact]
    public async Task WithNoServerGivenTlsTrafficStartsItsOwnServerWithATestCertificate()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var traffic = CtrafficFixture.Start(o => { o.Client = TrafficClient.Http2; o.Tls = true; o.Connections = 2; o.RequestRate = 40; o.ReadTimeout = TimeSpan.FromSeconds(5); });
        (await Eventually.TrueAsync(() => traffic.Snapshot().Received >= 10, TimeSpan.FromSeconds(10))).Should().BeTrue();
        var report = await traffic.StopAsync(ct);

        report.Should().HaveSucceededEveryRequest();
        ((InProcessHttpServer)traffic.Server).Certificate.Should().NotBeNull();
    }

    [Fact]
    public void TlsOptionsThatCannotWorkAreRefusedByName()
    {
        var echo = () => new TrafficOptions { Address = "127.0.0.1:1", Tls = true }.Validate();
        echo.Should().Throw<ArgumentException>().WithMessage("Tls is for the http, h2 and grpc clients; the echo client speaks no TLS*");

        using var certificate = TestCertificate.Create();
        var trustWithoutTls = () => new TrafficOptions { Address = "127.0.0.1:1", Client = TrafficClient.Http, TlsTrust = [certificate] }.Validate();
        trustWithoutTls.Should().Throw<ArgumentException>().WithMessage("TlsTrust is given but Tls is off*");

        var noKey = () => new Server.Http.HttpServerOptions { Certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.RawData) }.Validate();
        noKey.Should().Throw<ArgumentException>().WithMessage("Certificate has no private key*");
    }
}
