using FluentAssertions;

namespace Ctraffic.Cli.Tests;

/// <summary>The command's answers to the command line itself, run in-process.</summary>
public class CommandLineTests
{
    /// <summary>The command run in-process with <paramref name="args"/>: its exit code, stdout and stderr.</summary>
    internal static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CtrafficCommand.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task NoArgumentsPrintsUsageOnStderrAndSucceeds()
    {
        var (code, stdout, stderr) = await Run();
        code.Should().Be(0);
        stderr.Should().StartWith("Usage of ctraffic:").And.Contain("-nconn int");
        stdout.Should().BeEmpty("Go's flag package writes the usage to stderr, as the original does");
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("-help")]
    [InlineData("--help")]
    public async Task HelpPrintsUsageOnStderrAndSucceeds(string flag)
    {
        var (code, stdout, stderr) = await Run(flag);
        code.Should().Be(0);
        stderr.Should().StartWith("Usage of ctraffic:");
        stdout.Should().BeEmpty();
    }

    [Theory]
    [InlineData("must be at most 1000000000 KB/s", "-rate", "1e308")]
    [InlineData("must be at least 3.171E-08 KB/s with -nconn 1 and -psize 1024", "-rate", "1e-300")]
    [InlineData("must be at least 0.03171 KB/s with -nconn 1000000 and -psize 1024", "-rate", "0.01", "-nconn", "1000000")]
    [InlineData("must be at most 87600h0m0s (10 years)", "-timeout", "3000000h")]
    [InlineData("must be 1 to 1000000", "-nconn", "1000001")]
    public async Task AnAbsurdNumberGetsOneLineNamingTheFlagAndExitCodeTwo(string why, params string[] args)
    {
        var (code, stdout, stderr) = await Run(args);

        code.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Split('\n')[0].Should().StartWith("ctraffic: invalid value ").And.Contain($"for flag {args[0]}: {why}");
        stderr.Should().NotContain("overflow", "no raw .NET message reaches the user");
    }

    [Fact]
    public async Task ASourceFileThatIsADirectoryIsNamedSo()
    {
        var dir = Directory.CreateTempSubdirectory("ctraffic-srcdir-").FullName;
        try
        {
            var (code, _, stderr) = await Run("-srcfile", dir, "-address", "127.0.0.1:1", "-timeout", "1s");

            code.Should().Be(2);
            stderr.Should().Be($"ctraffic: invalid value \"{dir}\" for flag -srcfile: read {dir}: is a directory\n");
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Fact]
    public async Task AMissingSourceFileIsNamedInGosWords()
    {
        var (code, _, stderr) = await Run("-srcfile", "/nonexistent/file", "-address", "127.0.0.1:1", "-timeout", "1s");

        code.Should().Be(2);
        stderr.Should().Contain("for flag -srcfile: open /nonexistent/file: no such file or directory");
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
