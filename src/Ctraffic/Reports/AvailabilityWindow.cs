namespace Ctraffic.Reports;

/// <summary>One window of a sliding availability (<see cref="TrafficReport.SlidingAvailability"/>): its span and its availability.</summary>
/// <param name="Window">The span, as times from the start of the run.</param>
/// <param name="Availability">The due packets of the span and those not answered in time.</param>
public readonly record struct AvailabilityWindow(TimeWindow Window, Availability Availability)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Window}: {Availability}";
}
