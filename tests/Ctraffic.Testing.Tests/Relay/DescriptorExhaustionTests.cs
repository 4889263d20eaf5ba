using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ctraffic.Testing.Tests.Balancing;
using FluentAssertions;
using Microsoft.Win32.SafeHandles;

namespace Ctraffic.Testing.Tests.Relay;

/// <summary>The process runs out of descriptors on purpose here: nothing else may run meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DescriptorExhaustion
{
    public const string Name = "descriptor exhaustion";
}

[Collection(DescriptorExhaustion.Name)]
public class DescriptorExhaustionTests
{
    /// <summary>The open-file limit while the test exhausts it: above what the process holds, low enough to reach at once.</summary>
    private const int Headroom = 64;

    [Fact(Timeout = 60_000)]
    public async Task TheBalancerServesAgainAfterTheProcessRanOutOfDescriptors()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists("/usr/bin/prlimit"), "needs Linux and prlimit(1) to lower the open-file limit of the test process");

        // Given: a balancer over one backend, serving.
        await using var backends = Backends.StartInProcess(1);
        await using var balancer = LoadBalancer.Start(backends);
        using (var before = await Probe.ConnectAsync(balancer.Address, ct))
        {
            before.Host.Should().Be("backend-1");
        }

        var front = IPEndPoint.Parse(balancer.Address);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var limit = SoftLimit();
        var hogs = new List<SafeFileHandle>();
        try
        {
            // When: the process's descriptors run out while a client connects (the kernel finishes
            // the handshake; the balancer's accept fails with EMFILE), and later come back.
            SetSoftLimit(Directory.GetFiles("/proc/self/fd").Length + Headroom);
            while (true)
            {
                try
                {
                    hogs.Add(File.OpenHandle("/dev/null"));
                }
                catch (IOException)
                {
                    break;
                }
            }

            await client.ConnectAsync(front, ct);
            var failed = await Eventually.TrueAsync(() => balancer.AcceptErrors > 0, TimeSpan.FromSeconds(10));
            hogs.ForEach(h => h.Dispose());
            hogs.Clear();
            SetSoftLimit(limit);
            failed.Should().BeTrue("the accept must have failed while no descriptor was left");

            // Then: the connection waiting in the backlog is accepted and served, and new ones are too.
            using var read = CancellationTokenSource.CreateLinkedTokenSource(ct);
            read.CancelAfter(TimeSpan.FromSeconds(10));
            var handshake = await Probe.EchoAsync(client, new byte[Wire.HandshakeSize], read.Token);
            Encoding.UTF8.GetString(handshake).TrimEnd('\0').Should().Be("backend-1");
            using var after = await Probe.ConnectAsync(balancer.Address, ct);
            after.Host.Should().Be("backend-1");
            balancer.IsRunning.Should().BeTrue();
        }
        finally
        {
            hogs.ForEach(h => h.Dispose());
            SetSoftLimit(limit);
        }
    }

    private static int SoftLimit()
    {
        var line = File.ReadLines("/proc/self/limits").First(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        return int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3], CultureInfo.InvariantCulture);
    }

    private static void SetSoftLimit(int soft)
    {
        using var prlimit = Process.Start(new ProcessStartInfo("prlimit", ["--pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), $"--nofile={soft}:"]) { UseShellExecute = false })!;
        prlimit.WaitForExit(10_000).Should().BeTrue();
        prlimit.ExitCode.Should().Be(0, "prlimit must be able to set the test process's limit");
    }
}
