using Ctraffic.Reports;
using NUnit.Framework;
using NUnit.Framework.Internal;

namespace Ctraffic.Testing.Internal;

/// <summary>The NUnit test running on this thread, for <see cref="CtrafficFixture"/> (found by name by <see cref="TestFrameworks"/>).</summary>
internal sealed class NUnitGlue : TestFrameworkGlue
{
    public override CurrentTest? Current()
    {
        var test = TestExecutionContext.CurrentContext?.CurrentTest;
        return test is null || test.IsSuite ? null : new NUnitTest(TestContext.Out, TestContext.Progress, TestContext.CurrentContext.CancellationToken);
    }

    private sealed class NUnitTest(TextWriter output, TextWriter progress, CancellationToken cancellationToken) : CurrentTest
    {
        public override CancellationToken CancellationToken => cancellationToken;

        public override void WriteLine(string line)
        {
            try
            {
                output.WriteLine(line);
                progress.WriteLine(line);
            }
            catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
            {
                // The test has ended: its output is gone.
            }
        }

        public override void Attach(TrafficReport report, string? name) => NUnitTraffic.Attach(report, name);
    }
}
