using System.Net.Sockets;
using FluentAssertions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Ctraffic.Server.Tests;

/// <summary>The grace period of a graceful stop runs on the server's <see cref="EchoServerOptions.TimeProvider"/>.</summary>
public class EchoServerGraceTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AClientThatDoesNotCloseIsResetWhenTheGracePeriodHasPassedOnTheServersClock()
    {
        // Given a server on fake time, and a client that keeps its connection open after the FIN
        var time = new FakeTimeProvider();
        await using var server = EchoServer.Start(new EchoServerOptions { Address = "127.0.0.1:0", HostName = "backend-1", TimeProvider = time });
        using var client = await RawClient.ConnectAsync(server.LocalEndPoint);
        await client.SendAsync(new byte[64]);
        (await client.ReceiveAsync(64)).Should().HaveCount(64);

        // When the server stops with an hour's grace
        var grace = TimeSpan.FromHours(1);
        var stopping = server.StopAsync(grace, TestContext.Current.CancellationToken);
        (await client.ReceiveAsync(1)).Should().BeEmpty("the stop sends a FIN");
        stopping.IsCompleted.Should().BeFalse("the client has not closed and no time has passed");

        // Then the stop ends only once the fake clock has passed the grace period, and the connection is reset
        var advanced = TimeSpan.Zero;
        (await Eventually.TrueAsync(() =>
        {
            if (!stopping.IsCompleted)
            {
                time.Advance(TimeSpan.FromMinutes(10));
                advanced += TimeSpan.FromMinutes(10);
            }

            return stopping.IsCompleted;
        }, Limit)).Should().BeTrue("the grace period ends on the fake clock, not after an hour of real time");
        await stopping;
        advanced.Should().BeGreaterThanOrEqualTo(grace);
        server.ActiveConnections.Should().Be(0);
        (await Eventually.TrueAsync(() => WriteFails(client), Limit)).Should().BeTrue("the server reset the connection");
    }

    private static bool WriteFails(RawClient client)
    {
        try
        {
            client.Socket.Send(new byte[1]);
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
