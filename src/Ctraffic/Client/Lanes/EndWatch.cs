using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Ctraffic.Client.Lanes;

/// <summary>
/// Sees a TCP connection end when it happens: every connected socket of a run is also in an
/// <c>epoll</c> set of its own (Linux), watched for the peer's FIN (<c>EPOLLRDHUP</c>) and for a
/// RST (<c>EPOLLERR</c>/<c>EPOLLHUP</c>) but not for data, so echoes cost it nothing. One thread
/// per run waits on the set; an end wakes the lane, which reads the end from its socket at once
/// rather than at its next packet, up to a packet interval later. Where <c>epoll</c> is missing
/// (not Linux) <see cref="TryCreate"/> gives <see langword="null"/> and ends are seen at the next packet.
/// </summary>
internal sealed partial class EndWatch : IDisposable
{
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    private const uint EpollErr = 0x008;
    private const uint EpollHup = 0x010;
    private const uint EpollRdHup = 0x2000;
    private const uint EpollEt = 1u << 31;
    private const int EpollCloexec = 0x80000;
    private const int MaxEvents = 256;
    private const int WaitMilliseconds = 200;

    /// <summary>struct epoll_event is packed on x86-64 (12 bytes) and naturally aligned elsewhere (16 bytes).</summary>
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private readonly int _epoll;
    private readonly Action<int, int> _ended;
    private readonly Thread _thread;
    private volatile bool _disposed;

    private EndWatch(int epoll, Action<int, int> ended)
    {
        _epoll = epoll;
        _ended = ended;
        _thread = new Thread(static s => ((EndWatch)s!).Run()) { IsBackground = true, Name = "ctraffic end watch" };
        _thread.Start(this);
    }

    /// <summary>
    /// A watch that calls <paramref name="ended"/> (lane, slot) from its
    /// thread when a watched connection ends; <see langword="null"/> where <c>epoll</c> cannot be had.
    /// </summary>
    public static EndWatch? TryCreate(Action<int, int> ended)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var epoll = EpollCreate1(EpollCloexec);
            return epoll < 0 ? null : new EndWatch(epoll, ended);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Watches the connected <paramref name="socket"/> of <paramref name="lane"/>'s slot <paramref name="slot"/>.</summary>
    public void Add(Socket socket, int lane, int slot)
    {
        if (_disposed)
        {
            return;
        }

        Span<byte> ev = stackalloc byte[16];
        ev.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(ev, EpollRdHup | EpollEt);
        BinaryPrimitives.WriteUInt64LittleEndian(ev[(EventSize - 8)..], ((ulong)(uint)lane << 32) | (uint)slot);
        _ = EpollCtl(_epoll, EpollCtlAdd, (int)socket.SafeHandle.DangerousGetHandle(), ev);
    }

    /// <summary>Stops watching <paramref name="socket"/>; before the client closes it, so that its own close is not seen as an end.</summary>
    public void Remove(Socket socket)
    {
        if (_disposed || socket.SafeHandle.IsClosed)
        {
            return;
        }

        Span<byte> ev = stackalloc byte[16];
        ev.Clear();
        _ = EpollCtl(_epoll, EpollCtlDel, (int)socket.SafeHandle.DangerousGetHandle(), ev);
    }

    /// <summary>Stops the watch; its thread closes the set within a wait period.</summary>
    public void Dispose() => _disposed = true;

    private void Run()
    {
        var events = new byte[MaxEvents * EventSize];
        try
        {
            while (!_disposed)
            {
                var n = EpollWait(_epoll, events, MaxEvents, WaitMilliseconds);
                for (var i = 0; i < n && !_disposed; i++)
                {
                    var ev = events.AsSpan(i * EventSize, EventSize);
                    var flags = BinaryPrimitives.ReadUInt32LittleEndian(ev);
                    var data = BinaryPrimitives.ReadUInt64LittleEndian(ev[(EventSize - 8)..]);
                    if ((flags & (EpollRdHup | EpollErr | EpollHup)) != 0)
                    {
                        _ended((int)(data >> 32), (int)(uint)data);
                    }
                }
            }
        }
        finally
        {
            _ = Close(_epoll);
        }
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epfd, int op, int fd, Span<byte> ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int EpollWait(int epfd, Span<byte> events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
