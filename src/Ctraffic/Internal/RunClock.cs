namespace Ctraffic.Internal;

/// <summary>
/// The time base of a run: timestamps (of its <see cref="TimeProvider"/>, or made up in tests)
/// measured from the run's start, and their conversion to and from <see cref="TimeSpan"/>.
/// Pure arithmetic; it reads no clock.
/// </summary>
internal sealed class RunClock
{
    /// <summary>Creates the time base of a run that started at timestamp <paramref name="start"/>.</summary>
    /// <param name="start">The timestamp of the run's start.</param>
    /// <param name="frequency">Timestamp ticks per second.</param>
    public RunClock(long start, long frequency)
    {
        Start = start;
        Frequency = frequency;
        ToTimeOf = ToTime;
    }

    /// <summary>The timestamp of the run's start.</summary>
    public long Start { get; }

    /// <summary>Timestamp ticks per second.</summary>
    public long Frequency { get; }

    /// <summary><see cref="ToTime"/> as a delegate, made once.</summary>
    public Func<long, TimeSpan> ToTimeOf { get; }

    /// <summary>A span as timestamp ticks.</summary>
    public long ToTicks(TimeSpan t) => (long)((Int128)t.Ticks * Frequency / TimeSpan.TicksPerSecond);

    /// <summary>Timestamp ticks as a span.</summary>
    public TimeSpan ToTime(long ticks) => TimeSpan.FromTicks((long)((Int128)ticks * TimeSpan.TicksPerSecond / Frequency));

    /// <summary>Ticks from the start of the run to timestamp <paramref name="now"/>.</summary>
    public long Since(long now) => now - Start;
}
