using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Ctraffic;
using Ctraffic.Testing;

// Usage: BalancerBench BACKEND_ADDRESS
// Prints "address HOST:PORT" once the balancer listens, then, when a line is read on stdin,
// "cpu SECONDS connections N" (this process's user + system CPU since it listened), then
// "rtt direct P50_US P99_US balancer P50_US P99_US" (1000 round trips of 1 KB on one idle connection each way) and exits.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: BalancerBench BACKEND_ADDRESS");
    return 2;
}

await using var backend = CtrafficServer.External(args[0], "backend");
await using var balancer = LoadBalancer.Start([backend]);
var process = Process.GetCurrentProcess();
var cpu = process.TotalProcessorTime;
var most = 0;
Console.WriteLine($"address {balancer.Address}");
using var watch = new Timer(_ => most = Math.Max(most, balancer.Connections), null, 0, 100);
await Console.In.ReadLineAsync();
process.Refresh();
var used = process.TotalProcessorTime - cpu;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cpu {used.TotalSeconds:0.000} connections {most}"));
var (d50, d99) = await RoundTripsAsync(args[0]);
var (b50, b99) = await RoundTripsAsync(balancer.Address);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rtt direct {d50:0.0} {d99:0.0} balancer {b50:0.0} {b99:0.0}"));
return 0;

static async Task<(double P50, double P99)> RoundTripsAsync(string address)
{
    var target = HostPort.Parse(address);
    using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    await socket.ConnectAsync(target.Host, target.Port);
    var buffer = new byte[1024];
    var times = new List<double>();
    for (var i = 0; i < 1100; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await socket.SendAsync(buffer, SocketFlags.None);
        for (var got = 0; got < buffer.Length;)
        {
            got += await socket.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None);
        }

        if (i >= 100)
        {
            times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
    }

    times.Sort();
    return (times[times.Count / 2], times[times.Count * 99 / 100]);
}
