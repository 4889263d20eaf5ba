using Ctraffic.Cli.Flags;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Cli.Tests.Kubernetes;

/// <summary>Every container in build/kubernetes runs <c>/ctraffic</c> with flags and values that the CLI accepts.</summary>
public class ManifestFlagsTests
{
    public static TheoryData<string> Files => [.. Manifests.Files.Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryContainerRunsTheImagesCommandWithFlagsTheCliAccepts(string file)
    {
        // Given the command lines of the manifest's containers
        var lines = Manifests.CommandLines(Path.Combine(Manifests.Folder, file));
        var commands = lines.Where(l => l.Key == "command").ToArray();
        var args = lines.Where(l => l.Key == "args").ToArray();

        // Then each container names the image's command and then its args
        commands.Should().HaveSameCount(args, "each container has a command and its args");
        lines.Select(l => l.Key).Should().Equal(commands.SelectMany(_ => new[] { "command", "args" }));
        foreach (var (_, command) in commands)
        {
            command.Should().Equal("/ctraffic");
        }

        // And the CLI parses and validates every args list (a bad flag or value is a UsageException)
        foreach (var (_, values) in args)
        {
            var parse = () => CliOptions.Parse(values).Validate();
            parse.Should().NotThrow<UsageException>($"\"{string.Join(' ', values)}\" are flags of ctraffic");
        }
    }

    [Fact]
    public void TheManifestsHoldAServerAndAClientThatWritesEveryStatistic()
    {
        var options = Manifests.Files.SelectMany(Manifests.CommandLines).Where(l => l.Key == "args").Select(l => CliOptions.Parse(l.Values)).ToArray();

        options.Should().Contain(o => o.Server && o.Udp);
        options.Should().Contain(o => !o.Server && o.Stats == "all" && !o.Monitor, "the client's log is its statistics alone");
    }

    [Fact]
    public void AFlagTheCliDoesNotKnowIsCaught()
    {
        // The check above can fail: a misspelt flag in a manifest is a UsageException
        var parse = () => CliOptions.Parse(["-server", "-adress", "[::]:5003"]).Validate();

        parse.Should().Throw<UsageException>().WithMessage("*adress*");
    }
}
