using Microsoft.Win32.SafeHandles;

namespace Ctraffic.Server.Internal;

/// <summary>
/// A few file descriptors held in reserve. When the process runs out (EMFILE) they are given
/// back, so that the runtime itself (timers, logging, loading code) still has descriptors while
/// the server waits for connections to close; they are taken again once accepts succeed.
/// </summary>
internal sealed class DescriptorReserve : IDisposable
{
    private readonly int _size;
    private readonly Lock _gate = new();
    private readonly List<SafeFileHandle> _held = [];

    public DescriptorReserve(int size)
    {
        _size = size;
        Refill();
        Capacity = Held;
    }

    /// <summary>How many the reserve held when made (fewer than asked where the limit is very low).</summary>
    public int Capacity { get; }

    /// <summary>True when the reserve holds all it held when made.</summary>
    public bool IsFull => Held >= Capacity;

    public int Held
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Gives every reserved descriptor back to the process.</summary>
    public void Release()
    {
        lock (_gate)
        {
            foreach (var h in _held)
            {
                h.Dispose();
            }

            _held.Clear();
        }
    }

    /// <summary>Takes descriptors until the reserve is full again, or none are left.</summary>
    public void Refill()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        lock (_gate)
        {
            while (_held.Count < Math.Max(_size, Capacity))
            {
                try
                {
                    _held.Add(File.OpenHandle("/dev/null"));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return;
                }
            }
        }
    }

    public void Dispose() => Release();
}
