using FluentAssertions;

namespace Ctraffic.Cli.Tests.Abuse;

/// <summary>A server started where one already runs, or with absurd flags: one line, a non-zero exit.</summary>
public sealed class ServerStartAbuseTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::", "::")]
    [InlineData("::", "127.0.0.1")]
    public async Task ASecondServerOnAPortInUseFailsWithAddressAlreadyInUse(string first, string second)
    {
        // Given a server on a port
        await using var running = await AbusedServer.StartAsync(first, "-udp");

        // When a second one is started on the same port
        var address = second.Contains(':', StringComparison.Ordinal) ? $"[{second}]:{running.Port}" : $"{second}:{running.Port}";
        var (code, _, stderr) = await CtrafficProcess.RunAsync(Limit, "-server", "-udp", "-address", address);

        // Then it exits at once with one line, and the first one goes on serving
        code.Should().Be(1, stderr);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().EndWith($"listen tcp {address}: bind: address already in use");
        (await running.EchoesAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task AHostNameOverTheResolversLimitInTheAddressIsAUsageErrorNamingTheFlag()
    {
        var (code, _, stderr) = await CtrafficProcess.RunAsync(Limit, "-address", new string('a', 300) + ":5003", "-timeout", "1s");

        code.Should().Be(2, stderr);
        stderr.Should().StartWith("ctraffic: invalid value \"aaa").And.Contain("for flag -address: the host name is longer than 253 characters")
            .And.NotContain("Parameter");
    }

    [Theory]
    [InlineData("-hostname", "300 characters", "at most 64 bytes")]
    [InlineData("-keepalive", "500ms", "must be 0 (off) or 1s to")]
    [InlineData("-keepalive", "10h", "must be 0 (off) or 1s to")]
    public async Task AnAbsurdServerFlagIsAUsageErrorNamingTheFlag(string flag, string value, string why)
    {
        var v = value == "300 characters" ? new string('h', 300) : value;

        var (code, _, stderr) = await CtrafficProcess.RunAsync(Limit, "-server", "-address", "127.0.0.1:0", flag, v);

        code.Should().Be(2, stderr);
        stderr.Should().Contain($"for flag {flag}: {why}").And.NotContain("Parameter");
    }
}
