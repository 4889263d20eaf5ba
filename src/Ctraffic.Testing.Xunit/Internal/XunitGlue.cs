using Ctraffic.Reports;
using Xunit;

namespace Ctraffic.Testing.Internal;

/// <summary>The xUnit v3 test running on this thread, for <see cref="CtrafficFixture"/> (found by name by <see cref="TestFrameworks"/>).</summary>
internal sealed class XunitGlue : TestFrameworkGlue
{
    public override CurrentTest? Current()
    {
        var context = TestContext.Current;
        return context.Test is not null && context.TestOutputHelper is { } output ? new XunitTest(context, output) : null;
    }

    private sealed class XunitTest(ITestContext context, ITestOutputHelper output) : CurrentTest
    {
        public override CancellationToken CancellationToken => context.CancellationToken;

        public override void WriteLine(string line)
        {
            try
            {
                output.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
                // The test has ended: its output is gone.
            }
        }

        public override void Attach(TrafficReport report, string? name) => XunitTraffic.Attach(context, report, name);
    }
}
