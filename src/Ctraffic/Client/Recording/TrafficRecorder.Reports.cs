using Ctraffic.Internal;
using Ctraffic.Reports;
using Ctraffic.Statistics;

namespace Ctraffic.Client.Recording;

/// <content>What the record gives: the live snapshot, the per-second samples, the statistics and the report.</content>
internal sealed partial class TrafficRecorder
{
    /// <summary>The live counters at <paramref name="now"/>, as the monitor line shows them.</summary>
    public TrafficSnapshot Snapshot(long now)
    {
        int active = 0, connecting = 0, echoing = 0;
        long sent = 0, received = 0, dropped = 0;
        var t = _clock.Since(now);
        foreach (var lane in _lanes)
        {
            sent += Volatile.Read(ref lane.Sent);
            received += Volatile.Read(ref lane.Received);
            dropped += Volatile.Read(ref lane.Dropped);
            switch (lane.Current?.Phase)
            {
                case ConnectionPhase.Active:
                    active++;
                    if (lane.History.IsEchoingAt(t))
                    {
                        echoing++;
                    }

                    break;
                case ConnectionPhase.Connecting: connecting++; break;
            }
        }

        return new TrafficSnapshot(_clock.ToTime(t), active, Interlocked.Read(ref _failedConnections), connecting,
            sent, received, dropped, Interlocked.Read(ref _failedConnects), echoing);
    }

    /// <summary>Adds the counters of <paramref name="snapshot"/> to the samples, unless <see cref="Seal"/> has been called.</summary>
    public void AddSample(TrafficSnapshot snapshot)
    {
        lock (_gate)
        {
            if (!_sealed)
            {
                _samples.Add(new Sample(snapshot.Elapsed, snapshot.Sent, snapshot.Received, snapshot.Dropped));
            }
        }
    }

    /// <summary>The run has ended: no more samples.</summary>
    public void Seal()
    {
        lock (_gate)
        {
            _sealed = true;
        }
    }

    /// <summary>
    /// The statistics at <paramref name="now"/>: <paramref name="run"/> (what the run itself knows:
    /// start, duration, options, end reason) with the recorded counters, connections and samples.
    /// </summary>
    public TrafficStatistics Statistics(long now, TrafficStatistics run)
    {
        ConnectionStats[] conns;
        Sample[] samples;
        lock (_gate)
        {
            conns = new ConnectionStats[_connections.Count];
            for (var i = 0; i < conns.Length; i++)
            {
                conns[i] = _connections[i].ToStats(_clock.Since(now), _clock.ToTimeOf);
            }

            samples = [.. _samples];
        }

        var snapshot = Snapshot(now);
        long retransmits = 0;
        foreach (var c in conns)
        {
            retransmits += c.Retransmits;
        }

        return run with
        {
            FailedConnections = snapshot.FailedConnections,
            Sent = snapshot.Sent,
            Received = snapshot.Received,
            Dropped = snapshot.Dropped,
            Retransmits = retransmits,
            FailedConnects = snapshot.FailedConnects,
            ConnStats = conns,
            Samples = samples,
            PacingLagP99 = TimeSpan.FromTicks(_pacingLag.ValueAtPercentile(99) * 10),
            PacingLagMax = TimeSpan.FromTicks(_pacingLag.Max * 10),
            DroppedLocal = Interlocked.Read(ref _droppedLocal),
        };
    }

    /// <summary>The round trips of the whole run so far.</summary>
    public RttStatistics Rtt() => TrafficReport.MergeRtt(_slices, _clock.ToTimeOf, new TimeWindow(TimeSpan.Zero, TimeSpan.MaxValue));

    /// <summary>
    /// The report of the run up to <paramref name="end"/>: <paramref name="statistics"/> plus
    /// outages (a silence still going on at the end is one not recovered), reconnects, marks and
    /// slices. <paramref name="live"/>: the run goes on, and <paramref name="rtt"/> was taken before
    /// the statistics, so that the round trips are no more than the echoes.
    /// </summary>
    public TrafficReport Report(TrafficStatistics statistics, TimeSpan end, bool live, RttStatistics? rtt)
    {
        var outages = new List<Outage>();
        var reconnects = new List<Reconnect>();
        var lives = new List<TimeWindow>();
        for (var i = 0; i < _lanes.Length; i++)
        {
            _lanes[i].History.AddTo(i, _clock, end, outages, reconnects, lives);
        }

        var inFlight = new Dictionary<Slice, int>();
        if (live)
        {
            foreach (var part in InFlight())
            {
                if (part is not null)
                {
                    inFlight[part] = inFlight.GetValueOrDefault(part) + 1;
                }
            }
        }

        var data = new ReportData
        {
            InFlight = inFlight,
            HostRtt = _hostRtt,
            Statistics = statistics,
            Slices = _slices,
            ToTime = _clock.ToTimeOf,
            Outages = outages,
            Reconnects = [.. reconnects.OrderBy(r => r.FailedAt)],
            Marks = _marks.ToArray(),
            Disruptions = _marks.Disruptions(),
            Lives = lives,
            PacketInterval = _clock.ToTime(_intervalTicks),
            OutageThreshold = _clock.ToTime(_outageTicks),
            End = end,
            Live = live,
        };
        return new TrafficReport(data, new TimeWindow(TimeSpan.Zero, end), null, rtt);
    }
}
