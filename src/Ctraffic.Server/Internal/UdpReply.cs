using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Ctraffic.Server.Internal;

/// <summary>
/// A UDP reply sent from the socket the request came in on, with the request's destination
/// address as its source: <c>sendmsg(2)</c> with IP_PKTINFO (IPv4, also on a dual-mode socket)
/// or IPV6_PKTINFO in the control message, as the original does. One socket serves every local
/// address of a wildcard listener, so no address costs a descriptor, and the first datagram to
/// an address is answered like any other. Never waits: a reply the kernel cannot take at once is
/// dropped (UDP). Linux on 64 bits; elsewhere <see cref="IsSupported"/> is false and the reply is
/// sent without a source address (the kernel picks one).
/// </summary>
internal static partial class UdpReply
{
    private const int MsgDontWait = 0x40;
    private const int MsgNoSignal = 0x4000;
    private const int EIntr = 4;
    private const int SolIp = 0;
    private const int IpPktInfo = 8;
    private const int SolIpv6 = 41;
    private const int Ipv6PktInfo = 50;
    private const int AfInet = 2;
    private const int AfInet6 = 10;
    private const int CmsgHeader = 16;

    /// <summary>Whether <c>sendmsg(2)</c> with a source address can be used here.</summary>
    public static bool IsSupported { get; } = Probe();

    /// <summary>
    /// Sends <paramref name="data"/> to <paramref name="to"/> from <paramref name="source"/> (the
    /// address the request was sent to; <see langword="null"/> or a wildcard: the kernel picks).
    /// </summary>
    /// <returns>Whether the kernel took the datagram.</returns>
    public static unsafe bool Send(Socket socket, ReadOnlySpan<byte> data, IPEndPoint to, IPAddress? source, int interfaceIndex)
    {
        if (!IsSupported)
        {
            return SendPlain(socket, data, to);
        }

        var v6Socket = socket.AddressFamily == AddressFamily.InterNetworkV6;
        Span<byte> name = stackalloc byte[28];
        name.Clear();
        var toAddress = v6Socket ? (to.Address.AddressFamily == AddressFamily.InterNetwork ? to.Address.MapToIPv6() : to.Address) : to.Address;
        if (v6Socket)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(name, AfInet6);
            BinaryPrimitives.WriteUInt16BigEndian(name[2..], (ushort)to.Port);
            toAddress.TryWriteBytes(name[8..24], out _);
            BinaryPrimitives.WriteUInt32LittleEndian(name[24..], (uint)toAddress.ScopeId);
        }
        else
        {
            if (toAddress.AddressFamily != AddressFamily.InterNetwork)
            {
                return false;
            }

            BinaryPrimitives.WriteUInt16LittleEndian(name, AfInet);
            BinaryPrimitives.WriteUInt16BigEndian(name[2..], (ushort)to.Port);
            toAddress.TryWriteBytes(name[4..8], out _);
        }

        Span<ulong> controlWords = stackalloc ulong[5];
        controlWords.Clear();
        var control = MemoryMarshal.AsBytes(controlWords);
        var controlLength = WriteSource(control, source, interfaceIndex);

        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            // Held while in use: a socket closed by another thread cannot have its descriptor
            // number reused under this send.
            handle.DangerousAddRef(ref added);
            fixed (byte* p = data)
            fixed (byte* n = name)
            fixed (byte* c = control)
            {
                var iov = new IoVec { Base = p, Length = (nuint)data.Length };
                var msg = new MsgHdr
                {
                    Name = n,
                    NameLength = v6Socket ? 28u : 16u,
                    Iov = &iov,
                    IovLength = 1,
                    Control = controlLength > 0 ? c : null,
                    ControlLength = (nuint)controlLength,
                };
                while (true)
                {
                    if (SendMsg((int)handle.DangerousGetHandle(), &msg, MsgDontWait | MsgNoSignal) >= 0)
                    {
                        return true;
                    }

                    if (Marshal.GetLastPInvokeError() != EIntr)
                    {
                        // Full (EAGAIN), no route, a peer on port 0 (EINVAL): this reply is lost.
                        return false;
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Writes the control message that sets the source address; returns its length (0: none).</summary>
    private static int WriteSource(Span<byte> control, IPAddress? source, int interfaceIndex)
    {
        if (source is null || source.Equals(IPAddress.Any) || source.Equals(IPAddress.IPv6Any))
        {
            return 0;
        }

        if (source.IsIPv4MappedToIPv6)
        {
            source = source.MapToIPv4();
        }

        if (source.AddressFamily == AddressFamily.InterNetwork)
        {
            // struct in_pktinfo { int ipi_ifindex; struct in_addr ipi_spec_dst, ipi_addr; }
            BinaryPrimitives.WriteUInt64LittleEndian(control, CmsgHeader + 12);
            BinaryPrimitives.WriteInt32LittleEndian(control[8..], SolIp);
            BinaryPrimitives.WriteInt32LittleEndian(control[12..], IpPktInfo);
            source.TryWriteBytes(control.Slice(CmsgHeader + 4, 4), out _);
            return CmsgHeader + 16;
        }

        // struct in6_pktinfo { struct in6_addr ipi6_addr; unsigned int ipi6_ifindex; }
        // The interface only where the address needs one (link-local).
        BinaryPrimitives.WriteUInt64LittleEndian(control, CmsgHeader + 20);
        BinaryPrimitives.WriteInt32LittleEndian(control[8..], SolIpv6);
        BinaryPrimitives.WriteInt32LittleEndian(control[12..], Ipv6PktInfo);
        source.TryWriteBytes(control.Slice(CmsgHeader, 16), out _);
        if (source.IsIPv6LinkLocal)
        {
            BinaryPrimitives.WriteInt32LittleEndian(control[(CmsgHeader + 16)..], interfaceIndex);
        }

        return CmsgHeader + 24;
    }

    private static bool SendPlain(Socket socket, ReadOnlySpan<byte> data, IPEndPoint to)
    {
        try
        {
            socket.SendTo(data, SocketFlags.None, to);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static unsafe bool Probe()
    {
        if (!OperatingSystem.IsLinux() || IntPtr.Size != 8 || !BitConverter.IsLittleEndian)
        {
            return false;
        }

        try
        {
            // No descriptor: fails with EBADF, and shows that the function is there.
            var msg = default(MsgHdr);
            return SendMsg(-1, &msg, MsgDontWait | MsgNoSignal) == -1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    private static unsafe partial nint SendMsg(int fd, MsgHdr* message, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MsgHdr
    {
        public byte* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }
}
