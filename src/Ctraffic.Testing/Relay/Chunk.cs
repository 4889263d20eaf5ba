using System.Buffers;

namespace Ctraffic.Testing.Relay;

/// <summary>Bytes read on one side, in a buffer rented from the shared pool, waiting in a <see cref="DelayLine"/>.</summary>
internal readonly record struct Chunk(byte[] Buffer, int Length, long Due, int SliceSize, long SliceGap)
{
    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);

    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}
