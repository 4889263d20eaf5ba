using FluentAssertions;

namespace Ctraffic.Testing.Tests.Balancing;

public class HostAssertionMessageTests(ITestOutputHelper output)
{
    [Fact(Timeout = 60_000)]
    public async Task AFailOverAssertionSaysWhichHostsLostHowManyAndWhereTheyWent()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: 20 connections over four backends, backend-2 killed
        await using var backends = Backends.StartInProcess(4);
        await using var balancer = LoadBalancer.Start(backends);
        await using var traffic = CtrafficFixture.Start(o => { o.Server = balancer; o.Connections = 20; o.RateKBps = 200; });
        await traffic.WaitForSteadyStateAsync(cancellationToken: ct);
        await backends[1].KillAsync(ct);
        await traffic.WaitForRecoveryAsync(TimeSpan.FromSeconds(5), ct);
        var kill = (await traffic.StopAsync(ct)).Window("kill backend-2");

        // When: the test expects the losses elsewhere, and the lost to come back on backend-2
        var onlyOn = () => kill.Should().HaveLostConnectionsOnlyOn("backend-1");
        var to = () => kill.Should().HaveReconnectedOnlyTo("backend-2");
        var ended = () => kill.Should().HaveEndedOnlyOn(h => h == "backend-2", "backend-2");

        // Then: the messages count per host
        var lost = kill.LostConnections.Count;
        var message = (await Task.FromResult(onlyOn.Should().Throw<Exception>())).Which.Message;
        output.WriteLine(message);
        message.Should().Match($"Expected connections on backend-1 only to be lost, but {lost} of {lost} lost were on backend-2 (in window 'kill backend-2', * s–* s into the run).");
        var toMessage = to.Should().Throw<Exception>().Which.Message;
        output.WriteLine(toMessage);
        toMessage.Should().StartWith($"Expected the lost connections to reconnect to backend-2, but {lost} of the {lost} lost did not: ").And.NotContain("backend-2 (");
        var endedMessage = ended.Should().Throw<Exception>().Which.Message;
        output.WriteLine(endedMessage);
        endedMessage.Should().StartWith("Expected every connection to end on backend-2, but 20 of 20 ended on ");
    }
}
