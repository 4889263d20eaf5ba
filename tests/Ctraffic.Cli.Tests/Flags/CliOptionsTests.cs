using Ctraffic.Cli.Flags;
using FluentAssertions;

namespace Ctraffic.Cli.Tests.Flags;

public class CliOptionsTests
{
    [Fact]
    public void DefaultsAreTheOriginals()
    {
        var o = CliOptions.Parse([]);
        o.Address.Should().Be("[::1]:5003");
        o.Nconn.Should().Be(1);
        o.Retries.Should().Be(10);
        o.Timeout.Should().Be(TimeSpan.FromSeconds(10));
        o.Psize.Should().Be(1024);
        o.Rate.Should().Be(10);
        o.Reconnect.Should().BeTrue();
        o.Stats.Should().Be("summary");
        o.Analyze.Should().Be("throughput");
        o.Client.Should().Be("echo");
        o.Monitor.Should().BeFalse();
    }

    [Theory]
    [InlineData("-nconn", "100")]
    [InlineData("-nconn=100")]
    [InlineData("--nconn", "100")]
    [InlineData("--nconn=100")]
    public void AcceptsEveryGoFlagSyntax(params string[] args)
    {
        CliOptions.Parse(args).Nconn.Should().Be(100);
    }

    [Theory]
    [InlineData(true, "-monitor")]
    [InlineData(false, "-monitor=false")]
    [InlineData(true, "-monitor=true")]
    [InlineData(true, "-monitor=1")]
    [InlineData(false, "-monitor=F")]
    public void BooleansAreSetByNameOrWithEquals(bool expected, string arg)
    {
        CliOptions.Parse([arg]).Monitor.Should().Be(expected);
    }

    [Fact]
    public void ABooleanDoesNotTakeTheNextArgumentAsItsValue()
    {
        var parse = () => CliOptions.Parse(["-reconnect", "false"]);
        parse.Should().Throw<UsageException>().WithMessage("unexpected argument: false");
    }

    [Fact]
    public void DurationsAndFloatsParse()
    {
        var o = CliOptions.Parse(["-timeout", "1m30s", "-rate", "2.5", "-stats=all", "-address", "127.0.0.1:7"]);
        o.Timeout.Should().Be(TimeSpan.FromSeconds(90));
        o.Rate.Should().Be(2.5);
        o.Stats.Should().Be("all");
        o.Address.Should().Be("127.0.0.1:7");
    }

    [Theory]
    [InlineData("flag provided but not defined: -bogus", "-bogus")]
    [InlineData("flag needs an argument: -nconn", "-nconn")]
    [InlineData("invalid value \"abc\" for flag -nconn: parse error", "-nconn", "abc")]
    [InlineData("invalid value \"10x\" for flag -timeout: invalid duration \"10x\": unknown unit \"x\"*", "-timeout", "10x")]
    [InlineData("invalid value \"maybe\" for flag -monitor: parse error", "-monitor=maybe")]
    public void ParseErrorsSayWhatIsWrong(string message, params string[] args)
    {
        var parse = () => CliOptions.Parse(args);
        parse.Should().Throw<UsageException>().WithMessage(message);
    }

    [Theory]
    [InlineData("-stats*none, summary or all", "-stats", "bogus")]
    [InlineData("-rate*positive", "-rate", "-1")]
    [InlineData("-rate*positive", "-rate", "0")]
    [InlineData("-address*missing port", "-address", "127.0.0.1")]
    [InlineData("-address*invalid port*", "-address", "127.0.0.1:99999")]
    [InlineData("-nconn*1 to*", "-nconn", "0")]
    [InlineData("-retries*at least 1", "-retries", "0")]
    [InlineData("-timeout*positive", "-timeout", "-5s")]
    [InlineData("-analyze*throughput, connections or hosts", "-analyze", "x")]
    [InlineData("-client*must be echo, http, h2 or grpc", "-client", "ftp")]
    [InlineData("-srccidr*prefix length*", "-srccidr", "10.0.0.0/40")]
    [InlineData("-psize*at most*", "-psize", "99999999")]
    public void ValuesOutOfRangeAreRejectedNamingTheFlag(string message, params string[] args)
    {
        var validate = () => CliOptions.Parse(args).Validate();
        validate.Should().Throw<UsageException>().WithMessage($"invalid value*for flag {message}*");
    }

    [Fact]
    public void UsageListsEveryFlagWithItsDefault()
    {
        var usage = CliOptions.Parse([]).Flags.Usage("ctraffic");
        usage.Should().StartWith("Usage of ctraffic:");
        foreach (var flag in new[] { "address", "analyze", "client", "monitor", "nconn", "psize", "rate", "reconnect", "retries", "server", "srccidr", "srcfile", "stat_file", "stats", "timeout", "udp", "version" })
        {
            usage.Should().Contain($"  -{flag}");
        }

        usage.Should().Contain("(default \"[::1]:5003\")").And.Contain("(default 10s)");
    }
}
