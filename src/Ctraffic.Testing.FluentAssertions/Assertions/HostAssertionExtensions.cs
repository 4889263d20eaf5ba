using Ctraffic.Testing.Assertions;
using Ctraffic.Testing.Verdicts;

namespace Ctraffic.Testing;

/// <summary>
/// Per-host assertions for fail-over tests, on a report or a window of it:
/// <c>window.Should().HaveLostConnectionsOnlyOn("backend-2")</c>. Their messages say which hosts
/// and how many: <c>expected connections on backend-2 only to be lost, but 3 of 15 lost were on backend-1</c>.
/// </summary>
public static class HostAssertionExtensions
{
    /// <summary>Connections were lost, and only on <paramref name="hosts"/>: nothing lost on the others.</summary>
    /// <param name="assertions">The report's assertions.</param>
    /// <param name="hosts">The hosts allowed to lose connections.</param>
    /// <returns>The assertions, to chain with <c>.And</c>.</returns>
    public static AndConstraint<TrafficReportAssertions> HaveLostConnectionsOnlyOn(this TrafficReportAssertions assertions, params string[] hosts)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        return assertions.Assert(TrafficVerdicts.LostConnectionsOnlyOn(assertions.Subject, hosts), "", []);
    }

    /// <summary>Every connection open on <paramref name="host"/> when the window started was lost in it.</summary>
    /// <param name="assertions">The report's assertions.</param>
    /// <param name="host">The host.</param>
    /// <returns>The assertions, to chain with <c>.And</c>.</returns>
    public static AndConstraint<TrafficReportAssertions> HaveLostEveryConnectionOn(this TrafficReportAssertions assertions, string host)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        return assertions.Assert(TrafficVerdicts.LostEveryConnectionOn(assertions.Subject, host), "", []);
    }

    /// <summary>Every connection lost in the window came back on one of <paramref name="hosts"/>.</summary>
    /// <param name="assertions">The report's assertions.</param>
    /// <param name="hosts">The hosts the lost connections may reconnect to.</param>
    /// <returns>The assertions, to chain with <c>.And</c>.</returns>
    public static AndConstraint<TrafficReportAssertions> HaveReconnectedOnlyTo(this TrafficReportAssertions assertions, params string[] hosts)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        return assertions.Assert(TrafficVerdicts.ReconnectedOnlyTo(assertions.Subject, hosts), "", []);
    }

    /// <summary>When the window ended, every connection was on a host that <paramref name="host"/> accepts (e.g. a new version).</summary>
    /// <param name="assertions">The report's assertions.</param>
    /// <param name="host">Whether a host name is allowed.</param>
    /// <param name="description">What the allowed hosts are, for the message (e.g. <c>a new backend</c>).</param>
    /// <returns>The assertions, to chain with <c>.And</c>.</returns>
    public static AndConstraint<TrafficReportAssertions> HaveEndedOnlyOn(this TrafficReportAssertions assertions, Func<string, bool> host, string description)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        return assertions.Assert(TrafficVerdicts.EndedOnlyOn(assertions.Subject, host, description), "", []);
    }
}
