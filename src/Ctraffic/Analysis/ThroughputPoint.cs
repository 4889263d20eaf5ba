namespace Ctraffic.Analysis;

/// <summary>One line of <c>-analyze throughput</c>: the received rate between two consecutive samples.</summary>
/// <param name="TimeSeconds">The middle of the interval, in seconds from the start of the run.</param>
/// <param name="KBps">
/// Whole KB (1024 bytes) echoed in the interval divided by its length in seconds. As in the
/// original, the received bytes are truncated to whole KB before dividing.
/// </param>
public readonly record struct ThroughputPoint(double TimeSeconds, double KBps);
