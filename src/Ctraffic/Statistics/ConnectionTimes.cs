namespace Ctraffic.Statistics;

/// <summary>
/// What the connections analysis needs of one connection slot: its times in nanoseconds from the
/// start of the run (<see cref="Connect"/> is 0 if it never connected) and whether it ended with an error.
/// </summary>
internal readonly record struct ConnectionTimes(long Started, long Connect, long Ended, bool Failed);
