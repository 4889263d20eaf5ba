using System.Collections.Immutable;
using System.Net;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// One address a relay connects to, parsed once: the <c>host:port</c> and, for an IP literal, its
/// endpoint (a host name is resolved by the <see cref="Resolver"/>). A server's address list — one
/// <c>host:port</c> or several comma-separated — is parsed into these by <see cref="ParseList"/>, the
/// one parser of that list in the library.
/// </summary>
/// <param name="Address">The address as given.</param>
/// <param name="EndPoint">The endpoint, if the host is an IP literal.</param>
internal sealed record Upstream(HostPort Address, IPEndPoint? EndPoint)
{
    /// <summary>The host to look up for an address without an IP literal (<c>:5003</c> means this host).</summary>
    public string HostName => Address.Host.Length == 0 ? "localhost" : Address.Host;

    /// <summary>Parses one <c>host:port</c>.</summary>
    /// <exception cref="FormatException">It is not an address.</exception>
    public static Upstream Parse(string text)
    {
        var address = HostPort.Parse(text.Trim());
        return new Upstream(address, address.IPAddress is { } ip ? new IPEndPoint(ip, address.Port) : null);
    }

    /// <summary>Parses a comma-separated list of <c>host:port</c>.</summary>
    /// <exception cref="ArgumentException">An entry is not an address; the message names it.</exception>
    public static ImmutableArray<Upstream> ParseList(string text, string paramName = "address")
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',');
        var list = ImmutableArray.CreateBuilder<Upstream>(parts.Length);
        foreach (var part in parts)
        {
            if (!HostPort.TryParse(part.Trim(), out _, out var error))
            {
                throw new ArgumentException($"Address: {error}", paramName);
            }

            list.Add(Parse(part));
        }

        return list.MoveToImmutable();
    }

    /// <inheritdoc/>
    public override string ToString() => Address.ToString();
}
