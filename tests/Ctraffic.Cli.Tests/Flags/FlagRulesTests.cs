using Ctraffic.Cli.Flags;
using Ctraffic.Client;
using FluentAssertions;

namespace Ctraffic.Cli.Tests.Flags;

/// <summary>The command's flags keep the rules of the traffic options: the same values refused, for the same reason, in flag words.</summary>
public class FlagRulesTests
{
    public static TheoryData<string, string, string[], Action<TrafficOptions>> OutOfRange => new()
    {
        { "Connections", "-nconn", ["-nconn", "0"], o => o.Connections = 0 },
        { "Connections", "-nconn", ["-nconn", "1000001"], o => o.Connections = 1_000_001 },
        { "Retries", "-retries", ["-retries", "0"], o => o.Retries = 0 },
        { "Retries", "-retries", ["-nconn", "1000000", "-retries", "10000"], o => { o.Connections = 1_000_000; o.Retries = 10_000; } },
        { "Duration", "-timeout", ["-timeout", "-1s"], o => o.Duration = TimeSpan.FromSeconds(-1) },
        { "Duration", "-timeout", ["-timeout", "100000h"], o => o.Duration = TimeSpan.FromHours(100_000) },
        { "PacketSize", "-psize", ["-psize", "1048577"], o => o.PacketSize = 1_048_577 },
        { "RateKBps", "-rate", ["-rate", "0"], o => o.RateKBps = 0 },
        { "RateKBps", "-rate", ["-rate", "1e10"], o => o.RateKBps = 1e10 },
        { "RateKBps", "-rate", ["-rate", "1e-9", "-psize", "4096"], o => { o.RateKBps = 1e-9; o.PacketSize = 4096; } },
        { "RequestRate", "-rate", ["-client", "http", "-rate", "1e-5", "-nconn", "1000", "-psize", "64"], o => { o.Client = TrafficClient.Http; o.RequestRate = o.RateKBps = 1e-5; o.Connections = 1000; o.PacketSize = 64; } },
        { "HttpPath", "-path", ["-path", "x"], o => o.HttpPath = "x" },
        { "HostHeader", "-hostheader", ["-hostheader", "a b"], o => o.HostHeader = "a b" },
        { "Tls", "-tls", ["-tls"], o => o.Tls = true },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void TheLibraryAndTheFlagRefuseTheSameValueForTheSameReason(string option, string flag, string[] args, Action<TrafficOptions> set)
    {
        // Given the same value in the library's options and on the command line
        var library = new TrafficOptions();
        set(library);

        // When both are checked
        var inLibrary = library.Validate;
        var onCommandLine = () => CliOptions.Parse(args).Validate();

        // Then both refuse it, each naming it in its own words, for the same reason
        var libraryError = library.FindError()!;
        var flagError = library.FindError(FlagNaming.Instance)!;
        inLibrary.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"{option} {libraryError.Reason}, was *").Which.ParamName.Should().Be(option);
        onCommandLine.Should().Throw<UsageException>().Which.Message.Should().EndWith($"for flag {flag}: {flagError.Reason}");
        flagError.Option.Should().Be(option);
        Strip(flagError.Reason).Should().Be(Strip(libraryError.Reason), "the reason differs only in the names and durations of the caller");
    }

    [Fact]
    public void TheFlagsDefaultsAreTheRulesDefaults()
    {
        var o = CliOptions.Parse([]).ToTrafficOptions();
        var core = new TrafficOptions();

        o.Connections.Should().Be(core.Connections);
        o.Retries.Should().Be(core.Retries);
        o.Duration.Should().Be(core.Duration);
        o.PacketSize.Should().Be(core.PacketSize);
        o.RateKBps.Should().Be(core.RateKBps);
    }

    [Fact]
    public void ABoundOfDaysIsWrittenAsGoAndInWords()
    {
        var validate = () => CliOptions.Parse(["-timeout", "100000h"]).Validate();

        validate.Should().Throw<UsageException>().WithMessage("invalid value \"100000h0m0s\" for flag -timeout: must be at most 87600h0m0s (10 years)");
    }

    /// <summary>A reason without the names of options and the bounds of durations, which the caller writes.</summary>
    private static string Strip(string reason) => System.Text.RegularExpressions.Regex.Replace(
        reason.Replace("-nconn", "Connections").Replace("-psize", "PacketSize").Replace("-retries", "Retries"), @"at most .*$", "at most");
}
