using FluentAssertions;
using Xunit.Sdk;

[assembly: AssemblyFixture(typeof(Ctraffic.Testing.Xunit.Tests.AssemblyTraffic))]

namespace Ctraffic.Testing.Xunit.Tests;

/// <summary>Traffic for the whole test assembly.</summary>
public sealed class AssemblyTraffic(IMessageSink sink) : SharedTrafficFixture(sink)
{
    protected override void Configure(ContinuousTrafficOptions options)
    {
        options.Connections = 2;
        options.Server = CtrafficServer.InProcess(s => s.HostName = "assembly");
    }
}

/// <summary>Traffic for the tests of one class.</summary>
public sealed class ClassTraffic(IMessageSink sink) : SharedTrafficFixture(sink)
{
    protected override void Configure(ContinuousTrafficOptions options)
    {
        options.Connections = 3;
        options.Server = CtrafficServer.InProcess(s => s.HostName = "class");
    }
}

/// <summary>Traffic for the tests of a collection.</summary>
public sealed class CollectionTraffic(IMessageSink sink) : SharedTrafficFixture(sink)
{
    protected override void Configure(ContinuousTrafficOptions options)
    {
        options.Connections = 2;
        options.Server = CtrafficServer.InProcess(s => s.HostName = "collection");
    }
}

[CollectionDefinition]
public sealed class SharedTrafficDefinition : ICollectionFixture<CollectionTraffic>;

public class ClassFixtureTests(ClassTraffic fixture) : IClassFixture<ClassTraffic>
{
    [Fact]
    public void EveryConnectionHasEchoedBeforeTheFirstTest()
    {
        var report = fixture.Traffic.GetReport();

        report.Statistics.ConnStats.Should().HaveCount(3).And.OnlyContain(c => c.Received > 0);
        report.Hosts.Select(h => h.Host).Should().Equal("class");
    }

    [Fact]
    public async Task ATestTakesAWindowOfTheSharedTrafficAndAttachesIt()
    {
        var traffic = fixture.Traffic;
        var name = $"test {Guid.NewGuid():N}";
        traffic.Mark(name);
        var received = traffic.Snapshot().Received;
        (await Eventually.TrueAsync(() => traffic.Snapshot().Received >= received + 3, TimeSpan.FromSeconds(5))).Should().BeTrue();

        var window = traffic.GetReport().After(name);
        XunitTraffic.Attach(window);

        window.Received.Should().BePositive();
        window.Should().HaveLostNoConnections();
        TestContext.Current.Attachments!.Keys.Should().BeEquivalentTo(XunitTraffic.JsonAttachment, XunitTraffic.TimelineAttachment, XunitTraffic.HtmlAttachment);
        TestContext.Current.TestOutputHelper!.Output.Should().StartWith($"ctraffic after '{name}' ");
    }
}

[Collection(typeof(SharedTrafficDefinition))]
public class CollectionFixtureTests(CollectionTraffic fixture)
{
    [Fact]
    public void TheCollectionsTrafficRunsToItsOwnServer()
    {
        fixture.Traffic.GetReport().Hosts.Select(h => h.Host).Should().Equal("collection");
        fixture.Traffic.Server.Should().NotBeNull();
    }
}

public class AssemblyFixtureTests(AssemblyTraffic fixture)
{
    [Fact]
    public void TheAssemblysTrafficIsSteadyWhenATestStarts()
    {
        fixture.Traffic.GetReport().Statistics.ConnStats.Should().HaveCount(2).And.OnlyContain(c => c.Received > 0);
        fixture.Traffic.GetReport().Hosts.Select(h => h.Host).Should().Equal("assembly");
    }
}
