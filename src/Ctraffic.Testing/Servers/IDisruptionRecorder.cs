namespace Ctraffic.Testing;

/// <summary>
/// Where a disruption marks itself: the running traffic (<see cref="ContinuousTraffic"/>) that
/// measures what the disruption does. Servers, balancers and faults call it, so that
/// <c>report.Window("kill backend-2")</c> exists without the test writing a mark.
/// </summary>
public interface IDisruptionRecorder
{
    /// <summary>Marks this moment with a name.</summary>
    /// <param name="name">The name; windows of the report are taken by it.</param>
    void Mark(string name);

    /// <summary>Marks the start of a disruption; disposing the result marks its end.</summary>
    /// <param name="name">The name; windows of the report are taken by it.</param>
    /// <returns>Ends the disruption when disposed (once; later calls do nothing).</returns>
    IDisposable Disruption(string name);

    /// <summary>
    /// Marks the start of a disruption whose source counts what crossed it (a fault proxy's fault);
    /// disposing the result marks its end. A recorder that keeps no such counts marks a plain
    /// disruption (the default).
    /// </summary>
    /// <param name="name">The name; windows of the report are taken by it.</param>
    /// <param name="contact">What crossed the disruption so far, asked when it ends; <see langword="null"/> if its source does not count it.</param>
    /// <returns>Ends the disruption when disposed (once; later calls do nothing).</returns>
    IDisposable Disruption(string name, Func<Reports.DisruptionContact>? contact) => Disruption(name);
}
