using FluentAssertions;

namespace Ctraffic.Testing.Tests.Faults;

public class FaultBoundsTests
{
    [Fact]
    public void ALatencyOrJitterBeyondAnHourIsRefused()
    {
        var latency = () => Fault.Latency(TimeSpan.FromDays(60));
        var jitter = () => Fault.Latency(TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(60));
        var negative = () => Fault.Latency(TimeSpan.FromMilliseconds(-1));

        latency.Should().Throw<ArgumentOutOfRangeException>().WithMessage("latency: must be 0 to 01:00:00*").Which.ParamName.Should().Be("latency");
        jitter.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("jitter");
        negative.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("latency");
    }

    [Fact]
    public void ASlicerOutOfRangeIsRefused()
    {
        var gap = () => Fault.Slicer(16, TimeSpan.FromDays(60));
        var size = () => Fault.Slicer(Fault.MaxSliceSize + 1);
        var none = () => Fault.Slicer(0);

        gap.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("gap");
        size.Should().Throw<ArgumentOutOfRangeException>().WithMessage("size: must be 1 to 1048576 bytes*");
        none.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("size");
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(0.001)]
    [InlineData(1e300)]
    [InlineData(double.NaN)]
    [InlineData(0)]
    public void ABandwidthOutOfRangeIsRefused(double kilobytesPerSecond)
    {
        var make = () => Fault.Bandwidth(kilobytesPerSecond);

        make.Should().Throw<ArgumentOutOfRangeException>().WithMessage("kilobytesPerSecond: the bandwidth must be 0.01 to 10000000 KB/s*");
    }

    [Fact]
    public void TheSmallestBandwidthStillLimits()
    {
        // 0.01 KB/s: a 16 KB chunk is due 1600 s later, no overflow on any clock.
        var make = () => Fault.Bandwidth(Fault.MinKilobytesPerSecond);

        make.Should().NotThrow().Which.Name.Should().Be("bandwidth 0.01KB/s");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(-1)]
    public void AnUndefinedDirectionIsRefused(int direction)
    {
        var factory = () => Fault.Latency(TimeSpan.FromMilliseconds(1), direction: (FaultDirection)direction);
        var with = () => Fault.Blackhole().In((FaultDirection)direction);

        factory.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Direction");
        with.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Direction: * is not a FaultDirection (Upstream, Downstream or Both).*");
    }

    [Fact]
    public void AnUndefinedNetworkDirectionIsRefused()
    {
        var make = () => new NetworkFault(null!, "partition", "drop", (NetworkDirection)7);

        make.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("direction");
    }

    [Fact(Timeout = 30_000)]
    public async Task ApplyingAFaultForTooLongThrowsBeforeItIsSwitchedOnOrMarked()
    {
        var ct = TestContext.Current.CancellationToken;

        // Given: a proxy whose marks are recorded.
        await using var server = CtrafficServer.InProcess();
        await using var proxy = FaultProxy.Start(server, o => o.Udp = false);
        var recorder = new Recorder();
        using var attached = proxy.RecordOn(recorder);

        // When: a fault is applied for 50 days.
        var apply = () => proxy.ApplyForAsync(Fault.Latency(TimeSpan.FromMilliseconds(1)), TimeSpan.FromDays(50), ct);

        // Then: it throws, and no fault was switched on nor any window opened.
        (await apply.Should().ThrowAsync<ArgumentOutOfRangeException>()).Which.ParamName.Should().Be("duration");
        proxy.Faults.Should().BeEmpty();
        recorder.Names.Should().BeEmpty();
    }

    [Theory]
    [InlineData(nameof(FaultProxyOptions.UdpIdleTimeout))]
    [InlineData(nameof(FaultProxyOptions.ConnectTimeout))]
    [InlineData(nameof(FaultProxyOptions.BufferSize))]
    [InlineData(nameof(FaultProxyOptions.QueueBytes))]
    [InlineData(nameof(FaultProxyOptions.QueueCapacity))]
    public void AProxyOptionBeyondItsBoundIsRefusedBeforeAnythingListens(string option)
    {
        var start = () => FaultProxy.Start("127.0.0.1:1", o =>
        {
            switch (option)
            {
                case nameof(o.UdpIdleTimeout): o.UdpIdleTimeout = TimeSpan.FromDays(100); break;
                case nameof(o.ConnectTimeout): o.ConnectTimeout = TimeSpan.FromDays(50); break;
                case nameof(o.BufferSize): o.BufferSize = int.MaxValue; break;
                case nameof(o.QueueBytes): o.QueueBytes = int.MaxValue; break;
                case nameof(o.QueueCapacity): o.QueueCapacity = int.MaxValue; break;
            }
        });

        start.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"{option} must be *").Which.ParamName.Should().Be(option);
    }

    private sealed class Recorder : IDisruptionRecorder
    {
        public List<string> Names { get; } = [];

        public void Mark(string name) => Names.Add(name);

        public IDisposable Disruption(string name)
        {
            Names.Add(name);
            return new Nothing();
        }

        private sealed class Nothing : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
