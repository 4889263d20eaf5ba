using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests;

public class HostPortTests
{
    [Theory]
    [InlineData("[::1]:5003", "::1", 5003)]
    [InlineData("127.0.0.1:80", "127.0.0.1", 80)]
    [InlineData("localhost:0", "localhost", 0)]
    [InlineData(":5003", "", 5003)]
    [InlineData("[::]:65535", "::", 65535)]
    public void ParsesGoStyleAddresses(string text, string host, int port)
    {
        HostPort.Parse(text).Should().Be(new HostPort(host, port));
    }

    [Theory]
    [InlineData("127.0.0.1", "missing port")]
    [InlineData("127.0.0.1:99999", "invalid port")]
    [InlineData("127.0.0.1:-1", "invalid port")]
    [InlineData("127.0.0.1:", "invalid port")]
    [InlineData("::1:5003", "too many colons")]
    [InlineData("[::1]", "missing port")]
    [InlineData("[::1:5003", "missing ']'")]
    [InlineData("[1.2.3.4]:5", "not an IPv6 address")]
    [InlineData("", "missing address")]
    public void RejectsBadAddressesSayingWhy(string text, string why)
    {
        HostPort.TryParse(text, out _, out var error).Should().BeFalse();
        error.Should().Contain(why);
    }

    [Fact]
    public void FormatsIPv6InBracketsAndMappedIPv4AsIPv4()
    {
        HostPort.Format(new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Loopback, 5)).Should().Be("[::1]:5");
        HostPort.Format(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback.MapToIPv6(), 5)).Should().Be("127.0.0.1:5");
    }
}
