using FluentAssertions;

namespace Ctraffic.Testing.Tests;

[CollectionDefinition(DisableParallelization = true)]
public class SocketCounting
{
}

[Collection(typeof(SocketCounting))]
public class DisposalTests
{
    private static int OpenSockets() => new DirectoryInfo("/proc/self/fd").GetFileSystemInfos()
        .Count(f => f.LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);

    [Fact]
    public async Task DisposeReleasesEverySocketEvenWhenTheTestThrows()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("counts sockets in /proc/self/fd (Linux)");
        }

        var before = OpenSockets();
        var act = async () =>
        {
            await using var traffic = CtrafficFixture.Start(o => o.Connections = 20);
            await traffic.WaitForSteadyStateAsync(cancellationToken: TestContext.Current.CancellationToken);
            OpenSockets().Should().BeGreaterThanOrEqualTo(before + 41, "20 client sockets, 20 server sockets and a listener");
            throw new InvalidOperationException("the test failed");
        };

        await act.Should().ThrowAsync<InvalidOperationException>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (OpenSockets() > before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        OpenSockets().Should().BeLessThanOrEqualTo(before);
    }
}
