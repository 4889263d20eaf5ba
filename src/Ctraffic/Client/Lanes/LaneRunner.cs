using Ctraffic.Client.Connecting;
using Ctraffic.Client.Exchanges;
using Ctraffic.Client.Recording;
using Ctraffic.Internal;
using Ctraffic.Statistics;

namespace Ctraffic.Client.Lanes;

/// <summary>
/// The life of a lane: at its place in the connect spread, a connection slot, a connect, then
/// the paced packets; after a failure, a re-connect in a new slot (if
/// <see cref="TrafficOptions.Reconnect"/>), until the run ends. The run stops when the slots
/// (<see cref="TrafficOptions.Connections"/> × <see cref="TrafficOptions.Retries"/>) are used up.
/// </summary>
internal sealed class LaneRunner(
    TrafficOptions options,
    TimeProvider time,
    RunClock clock,
    Pacer pacer,
    TrafficRecorder recorder,
    Connector connector,
    PacedLoop loop,
    Action<TrafficEndReason> requestStop,
    CancellationToken stop)
{
    private readonly bool _udp = options.Protocol == TrafficProtocol.Udp;
    private readonly int _packetSize = options.EffectivePacketSize;

    /// <summary>Runs <paramref name="lane"/> until the run ends for it.</summary>
    public async Task RunAsync(Lane lane)
    {
        if (!await pacer.DelayUntilAsync(lane.Waiter, clock.Start + lane.StartOffset).ConfigureAwait(false))
        {
            return;
        }

        while (!stop.IsCancellationRequested && connector.MayConnect(lane, time.GetTimestamp()))
        {
            var conn = recorder.Open(lane.Index, time.GetTimestamp());
            if (conn is null)
            {
                requestStop(TrafficEndReason.TooManyReconnects);
                return;
            }

            lane.Connections++;
            var socket = await connector.ConnectAsync(conn, lane).ConfigureAwait(false);
            if (socket is null)
            {
                recorder.Ended(conn, null, connector.GaveUpAt(time.GetTimestamp()));
                return;
            }

            PacketExchange exchange = _udp
                ? new UdpExchange(socket, conn, _packetSize, time)
                : new TcpExchange(socket, conn, _packetSize, recorder);
            lane.Exchange = exchange;
            var failed = await loop.RunAsync(lane, conn, exchange).ConfigureAwait(false);
            lane.Exchange = null;
            connector.Release(lane);
            recorder.Retransmits(conn, conn.Retransmits, time.GetTimestamp());
            if (!failed)
            {
                return;
            }

            recorder.Failed(conn, time.GetTimestamp());
            if (!options.Reconnect || !await connector.BackOffAsync(lane, conn).ConfigureAwait(false))
            {
                return;
            }
        }
    }
}
