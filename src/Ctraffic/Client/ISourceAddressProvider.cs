using System.Net;
using Ctraffic.Statistics;

namespace Ctraffic.Client;

/// <summary>Gives each new connection its local (source) address.</summary>
public interface ISourceAddressProvider
{
    /// <summary>
    /// The local endpoint to bind the next connection to, or <see langword="null"/> when none is left
    /// (the run then ends with <see cref="TrafficEndReason.OutOfSourceAddresses"/>).
    /// </summary>
    IPEndPoint? Acquire();

    /// <summary>The connection that used <paramref name="endPoint"/> has ended.</summary>
    void Release(IPEndPoint endPoint);
}
