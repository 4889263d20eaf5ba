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
internal sealed class LaneRunner(TrafficOptions options, RunContext run, Connector connector, PacedLoop loop)
{
    private readonly TimeProvider _time = run.Time;
    private readonly RunClock _clock = run.Clock;
    private readonly Pacer _pacer = run.Pacer;
    private readonly TrafficRecorder _recorder = run.Recorder;
    private readonly Action<TrafficEndReason> _requestStop = run.RequestStop;
    private readonly CancellationToken _stop = run.Stop;
    private readonly bool _udp = options.Protocol == TrafficProtocol.Udp;
    private readonly int _packetSize = options.EffectivePacketSize;

    /// <summary>Runs <paramref name="lane"/> until the run ends for it.</summary>
    public async Task RunAsync(Lane lane)
    {
        if (!await _pacer.DelayUntilAsync(lane.Waiter, _clock.Start + lane.StartOffset).ConfigureAwait(false))
        {
            return;
        }

        while (!_stop.IsCancellationRequested && connector.MayConnect(lane, _time.GetTimestamp()))
        {
            var conn = _recorder.Open(lane.Index, _time.GetTimestamp());
            if (conn is null)
            {
                _requestStop(TrafficEndReason.TooManyReconnects);
                return;
            }

            lane.Connections++;
            var socket = await connector.ConnectAsync(conn, lane).ConfigureAwait(false);
            if (socket is null)
            {
                _recorder.Ended(conn, null, connector.GaveUpAt(_time.GetTimestamp()));
                return;
            }

            PacketExchange exchange = _udp
                ? new UdpExchange(socket, conn, _packetSize, _time)
                : new TcpExchange(socket, conn, _packetSize, _recorder);
            lane.Exchange = exchange;
            var failed = await loop.RunAsync(lane, conn, exchange).ConfigureAwait(false);
            lane.Exchange = null;
            connector.Release(lane);
            _recorder.Retransmits(conn, conn.Retransmits, _time.GetTimestamp());
            if (!failed)
            {
                return;
            }

            _recorder.Failed(conn, _time.GetTimestamp());
            if (!options.Reconnect || !await connector.BackOffAsync(lane, conn).ConfigureAwait(false))
            {
                return;
            }
        }
    }
}
