namespace Ctraffic.Testing;

/// <summary>Which packets a <see cref="NetworkFault"/> acts on, seen from the namespace's server.</summary>
public enum NetworkDirection
{
    /// <summary>Both ways: packets to the server and its answers.</summary>
    Both = 0,

    /// <summary>Packets coming into the namespace (to the server): the nftables <c>input</c> hook, <c>iifname "eth0"</c>.</summary>
    ToServer = 1,

    /// <summary>Packets leaving the namespace (the server's answers): the nftables <c>output</c> hook, <c>oifname "eth0"</c>.</summary>
    FromServer = 2,
}
