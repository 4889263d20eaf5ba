using System.Globalization;
using System.Net;
using System.Diagnostics.CodeAnalysis;

namespace Ctraffic;

/// <summary>
/// A <c>host:port</c> address as Go writes it: <c>127.0.0.1:5003</c>, <c>[::1]:5003</c>,
/// <c>localhost:5003</c>, or <c>:5003</c> (no host).
/// </summary>
/// <param name="Host">The host: an IP address, a name, or empty.</param>
/// <param name="Port">The port, 0 to 65535.</param>
public readonly record struct HostPort(string Host, int Port)
{
    /// <summary>The host as an IP address, or <see langword="null"/> if it is a name or empty.</summary>
    public IPAddress? IPAddress => System.Net.IPAddress.TryParse(Host, out var ip) ? ip : null;

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">The text is not a <c>host:port</c> address; the message says why.</exception>
    public static HostPort Parse(string text)
        => TryParse(text, out var hp, out var error) ? hp : throw new FormatException(error);

    /// <summary>Tries to parse <paramref name="text"/>; <paramref name="error"/> says why not.</summary>
    public static bool TryParse(string? text, out HostPort result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "missing address";
            return false;
        }

        string host;
        string port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"address {text}: missing ']' in address";
                return false;
            }

            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length == 0)
            {
                error = $"address {text}: missing port in address";
                return false;
            }

            if (rest[0] != ':')
            {
                error = $"address {text}: unexpected '{rest[0]}' after ']'";
                return false;
            }

            port = rest[1..];
            if (!System.Net.IPAddress.TryParse(host, out var ip6) || ip6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                error = $"address {text}: '{host}' is not an IPv6 address";
                return false;
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon < 0)
            {
                error = $"address {text}: missing port in address";
                return false;
            }

            if (text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                error = $"address {text}: too many colons in address (write IPv6 as [addr]:port)";
                return false;
            }

            host = text[..colon];
            port = text[(colon + 1)..];
        }

        if (port.Length == 0 || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535)
        {
            error = $"address {text}: invalid port \"{port}\" (0 to 65535)";
            return false;
        }

        result = new HostPort(host, p);
        error = null;
        return true;
    }

    /// <summary>Formats as Go does: IPv6 addresses in brackets.</summary>
    public override string ToString()
        => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Formats an endpoint as Go does (<c>[::1]:5003</c>, <c>127.0.0.1:5003</c>; IPv4-mapped IPv6 shown as IPv4).</summary>
    public static string Format(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip => Format(ip),
        null => "",
        _ => endPoint.ToString() ?? "",
    };

    private static string Format(IPEndPoint ip)
    {
        var address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{address}]:{ip.Port}"
            : $"{address}:{ip.Port}";
    }
}
