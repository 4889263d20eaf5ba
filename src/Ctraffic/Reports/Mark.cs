namespace Ctraffic.Reports;

/// <summary>A named moment of a run (or, for a disruption, a named span).</summary>
/// <param name="Name">The name given by the test.</param>
/// <param name="Time">When it was marked, from the start of the run.</param>
/// <param name="End">For a disruption, when it ended; <see langword="null"/> for a plain mark or a disruption still going on.</param>
public sealed record Mark(string Name, TimeSpan Time, TimeSpan? End = null);
