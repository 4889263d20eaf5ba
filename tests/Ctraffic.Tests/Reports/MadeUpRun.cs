using Ctraffic.Client.Recording;

namespace Ctraffic.Tests.Reports;

/// <summary>
/// Times and traffic of a made-up run on a <see cref="TrafficRecorder"/>, for tests of reports: a
/// nanosecond clock, one packet every 100 ms a connection, no sockets.
/// </summary>
internal static class MadeUpRun
{
    public const long Hz = 1_000_000_000;

    public static readonly long Interval = T(0.1);

    public static long T(double seconds) => (long)Math.Round(seconds * Hz);

    public static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>A connection of <paramref name="lane"/> made at <paramref name="at"/> seconds and served by <paramref name="host"/>.</summary>
    public static ConnectionState Connect(TrafficRecorder recorder, int lane, double at, string host)
    {
        var conn = recorder.Open(lane, T(at))!;
        recorder.Connected(conn, T(at), "127.0.0.1:40000", "127.0.0.1:5003");
        recorder.Served(conn, host);
        return conn;
    }

    /// <summary>A packet every <see cref="Interval"/> from <paramref name="from"/> to <paramref name="to"/> seconds, each echoed <paramref name="rtt"/> seconds later.</summary>
    public static void Echoes(TrafficRecorder recorder, ConnectionState conn, double from, double to, double rtt = 0.001)
    {
        for (var t = T(from); t < T(to); t += Interval)
        {
            recorder.Sent(conn, t);
            recorder.Echoed(conn, t, t + T(rtt));
        }
    }
}
