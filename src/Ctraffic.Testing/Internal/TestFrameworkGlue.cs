using Ctraffic.Reports;

namespace Ctraffic.Testing.Internal;

/// <summary>
/// What <see cref="CtrafficFixture"/> needs of a test framework: the current test's output,
/// attachments and cancellation. Implemented by each glue assembly (Ctraffic.Testing.Xunit,
/// Ctraffic.Testing.NUnit) and found by <see cref="TestFrameworks"/>.
/// </summary>
internal abstract class TestFrameworkGlue
{
    /// <summary>The test running on this thread, or <see langword="null"/> if none of this framework is.</summary>
    public abstract CurrentTest? Current();
}

/// <summary>A test of some framework, seen from the traffic.</summary>
internal abstract class CurrentTest
{
    /// <summary>The test's cancellation (its time-out, or the run being cancelled).</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Writes a line to the test's output; never throws (the output may be gone once the test has ended).</summary>
    public abstract void WriteLine(string line);

    /// <summary>Attaches the report (JSON and timeline SVG) of the traffic named <paramref name="name"/> (if any) to the test result and writes its summary to the output.</summary>
    public abstract void Attach(TrafficReport report, string? name);
}
