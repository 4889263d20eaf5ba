using Ctraffic.Internal;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.Internal;

public class TokenBucketTests
{
    private const long Hz = 1_000_000_000; // nanosecond timestamps

    [Fact]
    public void FirstPacketGoesAtOnceWhenTheBucketHoldsIt()
    {
        var bucket = new TokenBucket(1024, 10240, 0, Hz, initialTokens: 1024);
        bucket.Reserve(0, 1024).Should().Be(0);
    }

    [Fact]
    public void EmptyBucketMakesTheSenderWaitOnePacketInterval()
    {
        // 1024 bytes/s and 1024-byte packets: one packet a second.
        var bucket = new TokenBucket(1024, 10240, 0, Hz);
        bucket.Reserve(0, 1024).Should().Be(Hz);
    }

    [Fact]
    public void ReservationsQueueUpOneIntervalApart()
    {
        var bucket = new TokenBucket(2048, 10240, 0, Hz);
        var first = bucket.Reserve(0, 1024);
        var second = bucket.Reserve(0, 1024);
        first.Should().Be(Hz / 2);
        second.Should().Be(Hz);
    }

    [Fact]
    public void ASenderOnTimeDropsNothing()
    {
        var bucket = new TokenBucket(1024, 10240, 0, Hz, initialTokens: 1024);
        var now = 0L;
        for (var i = 0; i < 100; i++)
        {
            now = Math.Max(now, bucket.Reserve(now, 1024));
            bucket.TryTake(now, 1024).Should().BeFalse($"packet {i} was sent on time");
        }
    }

    [Fact]
    public void ASenderThreeIntervalsLateDropsTwoPackets()
    {
        // The original's rule: after a write, every whole packet's worth of tokens already in the
        // bucket is thrown away and counted as dropped.
        var bucket = new TokenBucket(1024, 10240, 0, Hz, initialTokens: 1024);
        bucket.Reserve(0, 1024).Should().Be(0);
        var late = 3 * Hz;
        bucket.Reserve(late, 1024).Should().Be(late);
        var dropped = 0;
        while (bucket.TryTake(late, 1024))
        {
            dropped++;
        }

        dropped.Should().Be(2);
    }

    [Fact]
    public void DropsAreCappedByTheBurstOfTenPackets()
    {
        var bucket = new TokenBucket(1024, 10240, 0, Hz);
        var late = 60 * Hz;
        bucket.Reserve(late, 1024).Should().Be(late);
        var dropped = 0;
        while (bucket.TryTake(late, 1024))
        {
            dropped++;
        }

        dropped.Should().Be(9);
    }
}
