using FluentAssertions;

namespace Ctraffic.Cli.Tests;

/// <summary>The command's answers to the command line itself, run in-process.</summary>
public class CommandLineTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CtrafficCommand.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task NoArgumentsPrintsUsageAndSucceeds()
    {
        var (code, stdout, _) = await Run();
        code.Should().Be(0);
        stdout.Should().StartWith("Usage of ctraffic:").And.Contain("-nconn int");
    }

    [Fact]
    public async Task HelpPrintsUsageAndSucceeds()
    {
        var (code, stdout, _) = await Run("-h");
        code.Should().Be(0);
        stdout.Should().StartWith("Usage of ctraffic:");
    }

    [Fact]
    public async Task VersionPrintsTheVersion()
    {
        var (code, stdout, _) = await Run("-version");
        code.Should().Be(0);
        stdout.Trim().Should().MatchRegex(@"^\d+\.\d+\.\d+");
    }

    [Theory]
    [InlineData("-nconn", "abc")]
    [InlineData("-timeout", "10x")]
    [InlineData("-stats", "bogus")]
    [InlineData("-rate", "-5")]
    [InlineData("-address", "127.0.0.1")]
    [InlineData("-address", "127.0.0.1:99999")]
    [InlineData("-bogus")]
    [InlineData("-nconn")]
    [InlineData("-address", "localhost:5003", "-server")]
    [InlineData("-srcfile", "/nonexistent/file", "-timeout", "1s", "-address", "127.0.0.1:1")]
    public async Task BadInputGetsOneClearLineAndExitCodeTwo(params string[] args)
    {
        var (code, stdout, stderr) = await Run(args);

        code.Should().Be(2);
        stdout.Should().BeEmpty("no traffic is run and no statistics are printed");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().StartWith("ctraffic: ").And.Contain(args[0].TrimStart('-').Split('=')[0]);
        stderr.Should().NotContain("   at ", "no stack trace reaches the user");
    }
}
