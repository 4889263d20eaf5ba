using System.Buffers;
using Ctraffic.Server.Internal;
using FluentAssertions;

namespace Ctraffic.Server.Tests.Internal;

public class BlockPoolTests
{
    [Fact]
    public void AfterABurstTheFreeBlocksGoBackWithinTwoTrims()
    {
        // Given a pool that served a burst of 3000 blocks at once
        var pool = new BlockPool(Timeout.InfiniteTimeSpan);
        var burst = Enumerable.Range(0, 3000).Select(_ => pool.Rent()).ToList();
        burst.ForEach(b => b.Dispose());
        pool.Kept.Should().Be(3000);

        // When it trims: first within the interval of the burst, then one interval later
        var first = pool.Trim();
        var second = pool.Trim();

        // Then the first trim keeps the burst's blocks (they were in use), the second lets them go
        first.Should().Be(0);
        second.Should().Be(3000 - BlockPool.MinKept);
        pool.Kept.Should().Be(BlockPool.MinKept);
        pool.InUse.Should().Be(0);
    }

    [Fact]
    public void ASteadyLoadKeepsTheBlocksItUsesAcrossTrims()
    {
        // Given 500 blocks in use at a time, rented and given back between trims
        var pool = new BlockPool(Timeout.InfiniteTimeSpan);
        for (var round = 0; round < 5; round++)
        {
            var inUse = Enumerable.Range(0, 500).Select(_ => pool.Rent()).ToList();
            inUse.ForEach(b => b.Dispose());

            // When it trims, Then nothing it needs again is dropped
            pool.Trim().Should().Be(0, "round {0}: the blocks were all in use since the last trim", round);
        }

        pool.Kept.Should().Be(500);
    }

    [Fact]
    public void ABlockLargerThanFourKilobytesIsRefused()
    {
        var pool = new BlockPool(Timeout.InfiniteTimeSpan);
        var rent = () => pool.Rent(BlockPool.BlockSize + 1);
        rent.Should().Throw<ArgumentOutOfRangeException>();
        using IMemoryOwner<byte> block = pool.Rent(100);
        block.Memory.Length.Should().Be(BlockPool.BlockSize);
    }
}
