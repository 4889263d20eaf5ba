using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace Ctraffic.Client;

/// <summary>An IP network in CIDR notation: <c>10.0.0.0/24</c>, <c>fd00::/120</c>.</summary>
public sealed class Cidr
{
    private readonly BigInteger _first;
    private readonly int _bytes;

    private Cidr(IPAddress network, int prefix)
    {
        Network = network;
        PrefixLength = prefix;
        _bytes = network.AddressFamily == AddressFamily.InterNetwork ? 4 : 16;
        var bits = _bytes * 8;
        var hostBits = bits - prefix;
        Size = BigInteger.One << hostBits;
        _first = ToInteger(network) & ~(Size - 1) & ((BigInteger.One << bits) - 1);
        Network = FromInteger(_first);
    }

    /// <summary>The network address (host bits zero).</summary>
    public IPAddress Network { get; }

    /// <summary>The prefix length.</summary>
    public int PrefixLength { get; }

    /// <summary>Number of addresses in the network.</summary>
    public BigInteger Size { get; }

    /// <summary>
    /// Number of addresses usable as hosts: for IPv4 with a prefix up to /30 the network and
    /// broadcast addresses are left out; for IPv6 the first (subnet-router anycast) address.
    /// </summary>
    public BigInteger HostCount => _bytes == 4 ? (PrefixLength <= 30 ? Size - 2 : Size) : (Size > 1 ? Size - 1 : Size);

    /// <summary>The <paramref name="index"/>-th host address (0-based, see <see cref="HostCount"/>).</summary>
    public IPAddress Host(BigInteger index)
    {
        if (index < 0 || index >= HostCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        var skip = _bytes == 4 ? (PrefixLength <= 30 ? 1 : 0) : (Size > 1 ? 1 : 0);
        return FromInteger(_first + skip + index);
    }

    /// <summary>Parses <c>address/prefix</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static bool TryParse(string text, [NotNullWhen(true)] out Cidr? cidr, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        cidr = null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            error = "not a CIDR (write e.g. 10.0.0.0/24 or fd00::/120)";
            return false;
        }

        if (!TryParseAddress(text[..slash], out var ip))
        {
            error = $"'{text[..slash]}' is not an IP address";
            return false;
        }

        var max = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > max)
        {
            error = $"prefix length must be 0 to {max}";
            return false;
        }

        cidr = new Cidr(ip, prefix);
        error = null;
        return true;
    }

    /// <summary>
    /// Parses an IP address as Go does: IPv4 only as four decimal numbers (not <c>10</c> or
    /// <c>10.1</c>, which <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> takes as
    /// <c>0.0.0.10</c> and <c>10.0.0.1</c>, nor octal or hexadecimal), IPv6 without brackets, zone or port.
    /// </summary>
    internal static bool TryParseAddress(string text, [NotNullWhen(true)] out IPAddress? ip)
    {
        ip = null;
        var ok = text.Contains(':', StringComparison.Ordinal)
            ? text.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.') && IPAddress.TryParse(text, out ip) && ip.AddressFamily == AddressFamily.InterNetworkV6
            : IPAddress.TryParse(text, out ip) && ip.AddressFamily == AddressFamily.InterNetwork && ip.ToString() == text;
        if (!ok)
        {
            ip = null;
        }

        return ok;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Network}/{PrefixLength}";

    private static BigInteger ToInteger(IPAddress ip) => new(ip.GetAddressBytes(), isUnsigned: true, isBigEndian: true);

    private IPAddress FromInteger(BigInteger value)
    {
        var bytes = new byte[_bytes];
        var raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        raw.AsSpan(Math.Max(0, raw.Length - _bytes)).CopyTo(bytes.AsSpan(_bytes - Math.Min(raw.Length, _bytes)));
        return new IPAddress(bytes);
    }
}
