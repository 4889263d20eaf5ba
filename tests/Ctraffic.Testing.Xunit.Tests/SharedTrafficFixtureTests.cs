using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FluentAssertions;
using Xunit.Sdk;

namespace Ctraffic.Testing.Xunit.Tests;

public class SharedTrafficFixtureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AStartFailureIsKeptAndThrownWhereTheTrafficIsUsed()
    {
        var sink = new CollectingSink();
        await using var fixture = new ConfiguredFixture(sink, o => o.Connections = 0);

        await fixture.InitializeAsync();

        var use = () => fixture.Traffic;
        use.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("Connections");
        sink.Messages.Should().ContainMatch("[ConfiguredFixture] traffic failed to start: Connections*");
    }

    [Fact]
    public async Task ATargetThatIsNotSteadyInTimeFailsTheTestsThatUseTheTraffic()
    {
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var fixture = new ConfiguredFixture(null, o =>
        {
            o.Address = HostPort.Format(closed.LocalEndPoint);
            o.Connections = 2;
            o.SteadyStateTimeout = TimeSpan.FromSeconds(0.5);
        });

        await fixture.InitializeAsync();

        var use = () => fixture.Traffic;
        use.Should().Throw<TrafficTimeoutException>().WithMessage("traffic not steady within 0.5 s: 0 of 2 connections echoing*");
    }

    [Fact]
    public void TheTrafficOfAFixtureNotInitializedIsRefused()
    {
        var fixture = new SharedTrafficFixture(null);

        var use = () => fixture.Traffic;

        use.Should().Throw<InvalidOperationException>().WithMessage("the fixture is not initialized*");
    }

    [Fact]
    public async Task MonitorLinesAndTheSummaryGoToTheMessageSink()
    {
        var sink = new CollectingSink();
        var logged = 0;
        var fixture = new ConfiguredFixture(sink, o => { o.Connections = 1; o.Log = _ => Interlocked.Increment(ref logged); });
        await fixture.InitializeAsync();
        fixture.Traffic.Snapshot().Echoing.Should().Be(1, "the fixture waits for steady traffic");

        (await Eventually.TrueAsync(() => Volatile.Read(ref logged) >= 1, TimeSpan.FromSeconds(5))).Should().BeTrue();
        await fixture.DisposeAsync();

        sink.Messages.Should().ContainMatch("[ConfiguredFixture] traffic to 127.0.0.1:* is steady: 1 connections")
            .And.ContainMatch("[ConfiguredFixture] Conn act/fail/connecting: 1/0/0, Packets send/rec/dropped: *")
            .And.ContainMatch("[ConfiguredFixture] ctraffic run *: sent *");
        fixture.Traffic.Run.Completion.IsCompleted.Should().BeTrue("disposing the fixture stops the traffic");
    }

    private sealed class ConfiguredFixture(IMessageSink? sink, Action<ContinuousTrafficOptions> configure) : SharedTrafficFixture(sink)
    {
        protected override void Configure(ContinuousTrafficOptions options) => configure(options);
    }

    private sealed class CollectingSink : IMessageSink
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyList<string> Messages => [.. _messages];

        public bool OnMessage(IMessageSinkMessage message)
        {
            if (message is IDiagnosticMessage diagnostic)
            {
                _messages.Enqueue(diagnostic.Message);
            }

            return true;
        }
    }
}
