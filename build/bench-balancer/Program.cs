using System.Diagnostics;
using System.Globalization;
using Ctraffic.Testing;

// Usage: BalancerBench BACKEND_ADDRESS
// Prints "address HOST:PORT" once the balancer listens, then, when a line is read on stdin,
// "cpu SECONDS connections N" (this process's user + system CPU since it listened) and exits.
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
return 0;
