using Ctraffic.Reports;
using Ctraffic.Testing.Assertions;

namespace Ctraffic.Testing;

/// <summary>Entry point of the traffic assertions: <c>report.Should()</c>.</summary>
public static class TrafficAssertionExtensions
{
    /// <summary>Assertions on a traffic report (or a window of it).</summary>
    /// <param name="report">The report or window.</param>
    /// <returns>Its assertions.</returns>
#if AWESOME_ASSERTIONS
    public static TrafficReportAssertions Should(this TrafficReport report) => new(report, AssertionChain.GetOrCreate());
#else
    public static TrafficReportAssertions Should(this TrafficReport report) => new(report);
#endif
}
