using Ctraffic.Client.Connecting;
using Ctraffic.Client.Exchanges;
using Ctraffic.Client.Http;
using Ctraffic.Statistics;

namespace Ctraffic.Client.Lanes;

/// <summary>
/// The life of a lane: at its place in the connect spread, a connection slot, a connect, then
/// the paced packets; after a failure, a re-connect in a new slot (if
/// <see cref="TrafficOptions.Reconnect"/>), until the run ends. The run stops when the slots
/// (<see cref="TrafficOptions.Connections"/> × <see cref="TrafficOptions.Retries"/>) are used up.
/// </summary>
internal sealed class LaneRunner(TrafficOptions options, RunContext run, Connector connector, PacedLoop loop, HttpTraffic? http = null)
{
    private readonly bool _udp = options.Protocol == TrafficProtocol.Udp;
    private readonly int _packetSize = options.EffectivePacketSize;

    /// <summary>Runs <paramref name="lane"/> until the run ends for it.</summary>
    public async Task RunAsync(Lane lane)
    {
        if (!await run.Pacer.DelayUntilAsync(lane.Waiter, run.Clock.Start + lane.StartOffset).ConfigureAwait(false))
        {
            return;
        }

        while (!run.Stop.IsCancellationRequested && connector.MayConnect(lane, run.Time.GetTimestamp()))
        {
            var conn = run.Recorder.Open(lane.Index, run.Time.GetTimestamp());
            if (conn is null)
            {
                run.RequestStop(TrafficEndReason.TooManyReconnects);
                return;
            }

            lane.Connections++;
            var socket = await connector.ConnectAsync(conn, lane).ConfigureAwait(false);
            if (socket is null)
            {
                run.Recorder.Ended(conn, null, conn.ConnectKind == ConnectionEndKind.Open ? ConnectionEndKind.Stopped : conn.ConnectKind,
                    connector.GaveUpAt(run.Time.GetTimestamp()));
                return;
            }

            PacketExchange exchange = http is not null
                ? http.Exchange(socket, conn, lane, _packetSize)
                : _udp
                ? new UdpExchange(socket, conn, _packetSize, run.Time)
                : new TcpExchange(socket, conn, _packetSize, run.Recorder, run.Ends);
            lane.Exchange = exchange;
            var failed = await loop.RunAsync(lane, conn, exchange).ConfigureAwait(false);
            lane.Exchange = null;
            conn = exchange.Current;
            connector.Release(lane);
            run.Recorder.Retransmits(conn, conn.Retransmits, run.Time.GetTimestamp());
            if (!failed)
            {
                return;
            }

            run.Recorder.Failed(conn, run.Time.GetTimestamp());
            if (!options.Reconnect || !await connector.BackOffAsync(lane, conn).ConfigureAwait(false))
            {
                return;
            }
        }
    }
}
