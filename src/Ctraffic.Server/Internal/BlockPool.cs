using System.Buffers;
using System.Collections.Concurrent;

namespace Ctraffic.Server.Internal;

/// <summary>
/// The memory of the connections' pipes: fixed 4 KB blocks that are kept when given back, so the
/// number of blocks grows to the peak in use at once and then nothing is allocated per packet.
/// (<see cref="MemoryPool{T}.Shared"/> makes an owner object per rent, and its array pool keeps
/// few arrays per core: with hundreds of connections it allocated hundreds of bytes per packet.)
/// </summary>
internal sealed class BlockPool : MemoryPool<byte>
{
    public const int BlockSize = 4096;
    private const int MaxKept = 4096;
    private readonly ConcurrentBag<Block> _free = [];

    public static BlockPool Instance { get; } = new();

    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks kept for reuse now.</summary>
    public int Kept => _free.Count;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > BlockSize)
        {
            throw new ArgumentOutOfRangeException(nameof(minBufferSize), $"at most {BlockSize} bytes");
        }

        return _free.TryTake(out var block) ? block : new Block(this);
    }

    protected override void Dispose(bool disposing)
    {
    }

    private void Return(Block block)
    {
        if (_free.Count < MaxKept)
        {
            _free.Add(block);
        }
    }

    private sealed class Block(BlockPool pool) : IMemoryOwner<byte>
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);

        public Memory<byte> Memory => _array;

        public void Dispose() => pool.Return(this);
    }
}
