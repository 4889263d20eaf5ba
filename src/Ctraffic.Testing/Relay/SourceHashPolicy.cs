using System.Net;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// A hash of the client's IP address (not its port) modulo the targets: one source stays on one
/// target while the targets stay the same. FNV-1a, so that the choice is the same in every run.
/// </summary>
internal sealed class SourceHashPolicy : IBalancingPolicy
{
    public int Pick(IReadOnlyList<RelayTarget> candidates, IPEndPoint client)
    {
        Span<byte> bytes = stackalloc byte[16];
        var address = client.Address.IsIPv4MappedToIPv6 ? client.Address.MapToIPv4() : client.Address;
        address.TryWriteBytes(bytes, out var written);
        var hash = 2166136261u;
        foreach (var b in bytes[..written])
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % (uint)candidates.Count);
    }
}
