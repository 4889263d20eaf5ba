using System.Diagnostics;
using System.Runtime.CompilerServices;
using Ctraffic.Testing.Containers;
using Ctraffic.Testing.Network.Internal;

namespace Ctraffic.Testing.Tests.Network;

/// <summary>
/// The test assembly run again as a helper process (<c>CTRAFFIC_ISOLATION_HELPER=namespaces:N</c>):
/// it makes N namespaces, writes <c>ns NAME ADDRESS HOST-ADDRESS</c> for each and <c>ready</c>,
/// holds them until its standard input closes (<c>containers:N</c>: a test network and N containers), disposes them, writes <c>done</c> and exits. The
/// isolation tests start several at once, some as PID 1 of PID namespaces of their own, and kill
/// some. Without the variable nothing happens here and the tests run as usual.
/// </summary>
internal static class IsolationHelper
{
    private const string Variable = "CTRAFFIC_ISOLATION_HELPER";

    /// <summary>
    /// Skips the test if <paramref name="signal"/> (<c>INT</c>, <c>TERM</c>) is ignored in this
    /// process (<c>SigIgn</c> of <c>/proc/self/status</c>): a helper inherits that, so the signal
    /// cannot end it — and a process the signal cannot end has nothing to clean up. A shell that
    /// starts a command in the background without job control (<c>nohup … &amp;</c> in a script)
    /// ignores SIGINT and SIGQUIT for it.
    /// </summary>
    public static void SkipIfIgnored(string signal)
    {
        var number = signal switch { "INT" => 2, "TERM" => 15, _ => throw new ArgumentException($"no signal number known for {signal}", nameof(signal)) };
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        if (line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (number - 1))) != 0)
        {
            Assert.Skip($"SIG{signal} is ignored in this test process (started in the background by a non-interactive shell?), and so in its helper: no SIG{signal} can end it");
        }
    }

    /// <summary>Starts a helper that makes <paramref name="namespaces"/> namespaces, under <c>unshare --pid --fork</c> if <paramref name="ownPidNamespace"/>.</summary>
    public static Helper Start(int namespaces, bool ownPidNamespace = false) => Start($"namespaces:{namespaces}", ownPidNamespace);

    /// <summary>
    /// Starts a helper in <paramref name="mode"/> (<c>namespaces:N</c>, or <c>containers:N</c>: a
    /// test network and N server containers, on the network and on loopback in turn), under
    /// <c>unshare --pid --fork</c> if <paramref name="ownPidNamespace"/>.
    /// </summary>
    public static Helper Start(string mode, bool ownPidNamespace = false)
    {
        var info = StartInfo(mode, ownPidNamespace, gate: false);
        return new Helper(Process.Start(info)!);
    }

    /// <summary>
    /// Starts a helper in <paramref name="mode"/> whose PID is <paramref name="pid"/>: writes
    /// <c>pid - 1</c> to <c>/proc/sys/kernel/ns_last_pid</c> and starts a shell that waits for a
    /// line before it becomes the helper (<c>exec</c>, same PID). Other processes of the machine
    /// may take the PID first: then that shell is ended and it tries again, at most 100 times or
    /// 30 s. Returns <see langword="null"/> if it never got the PID (the PID is in use, or the
    /// machine forks too fast).
    /// </summary>
    public static Helper? StartWithPid(int pid, string mode, bool ownPidNamespace = false) => StartWithPid(pid, mode, ownPidNamespace, out _);

    /// <inheritdoc cref="StartWithPid(int, string, bool)"/>
    /// <param name="pid">The PID the helper is to have.</param>
    /// <param name="mode">What it does.</param>
    /// <param name="ownPidNamespace">Whether under <c>unshare --pid --fork</c>.</param>
    /// <param name="why">Why not, when it returns <see langword="null"/>.</param>
    public static Helper? StartWithPid(int pid, string mode, bool ownPidNamespace, out string why)
    {
        var info = StartInfo(mode, ownPidNamespace, gate: true);
        var clock = Stopwatch.StartNew();
        var missed = new List<int>();
        for (var attempt = 0; attempt < 100 && clock.Elapsed < TimeSpan.FromSeconds(30); attempt++)
        {
            // A process that is exiting (a zombie not reaped yet) frees its PID soon: wait a little.
            var busy = Stopwatch.StartNew();
            while (Holder(pid) is { } holder)
            {
                if (busy.Elapsed > TimeSpan.FromSeconds(3))
                {
                    why = $"PID {pid} is in use: {holder}";
                    return null;
                }

                Thread.Sleep(TimeSpan.FromMilliseconds(20));
            }

            File.WriteAllText(LastPid, (pid - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var process = Process.Start(info)!;
            if (process.Id == pid)
            {
                process.StandardInput.WriteLine("go");
                process.StandardInput.Flush();
                why = string.Empty;
                return new Helper(process);
            }

            missed.Add(process.Id);
            process.Kill();
            process.WaitForExit(TimeSpan.FromSeconds(10));
            process.Dispose();
        }

        why = $"{missed.Count} starts missed PID {pid} in {clock.Elapsed.TotalSeconds:0.0} s (got {string.Join(", ", missed.Take(5))} ...)";
        return null;
    }

    /// <summary>What holds <paramref name="pid"/> (a process, or a thread of one: both take PIDs), or <see langword="null"/> if it is free.</summary>
    private static string? Holder(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            return string.Join(", ", status.Where(l => l.StartsWith("Name:", StringComparison.Ordinal) || l.StartsWith("State:", StringComparison.Ordinal)
                || l.StartsWith("Tgid:", StringComparison.Ordinal) || l.StartsWith("PPid:", StringComparison.Ordinal)).Select(l => l.Replace('\t', ' ')));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The file that sets the PID the kernel gives next (that plus one), writable by root.</summary>
    public const string LastPid = "/proc/sys/kernel/ns_last_pid";

    private static ProcessStartInfo StartInfo(string mode, bool ownPidNamespace, bool gate)
    {
        var self = Environment.ProcessPath!;
        var command = Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? new List<string> { self, "exec", typeof(IsolationHelper).Assembly.Location }
            : [self];
        if (ownPidNamespace)
        {
            command.InsertRange(0, [NetworkCommand.Find("unshare") ?? "unshare", "--pid", "--fork", "--kill-child"]);
        }

        if (gate)
        {
            // The shell has the PID; it reads one line (byte by byte: the rest of standard input
            // stays for the helper) and becomes the helper.
            command.InsertRange(0, ["/bin/sh", "-c", "read go && exec \"$@\"", "sh"]);
        }

        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in command.Skip(1))
        {
            info.ArgumentList.Add(a);
        }

        info.Environment[Variable] = mode;
        return info;
    }

    /// <summary>Reads a helper's lines until <paramref name="last"/> (or its end); fails after <paramref name="limit"/>.</summary>
    public static async Task<List<string>> ReadUntilAsync(Helper helper, string last, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(limit);
        var lines = new List<string>();
        while (await helper.Process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            lines.Add(line);
            if (line == last)
            {
                return lines;
            }
        }

        var error = await helper.Process.StandardError.ReadToEndAsync(cts.Token);
        throw new InvalidOperationException($"the helper ended before '{last}': {string.Join(" | ", lines)} {error}");
    }

    /// <summary>
    /// Runs the helper when asked to, and exits. It runs inside this module's initializer, which
    /// other threads wait for before they touch any of its types: so it is synchronous, and only
    /// the library's code (and the BCL's) runs on other threads meanwhile.
    /// </summary>
    [ModuleInitializer]
    internal static void RunIfAsked()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { } mode)
        {
            return;
        }

        if (mode.StartsWith("namespaces:", StringComparison.Ordinal))
        {
            Environment.Exit(RunNamespaces(int.Parse(mode["namespaces:".Length..], System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (mode.StartsWith("containers:", StringComparison.Ordinal))
        {
            Environment.Exit(RunContainers(int.Parse(mode["containers:".Length..], System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    private static int RunNamespaces(int count)
    {
        var made = new List<NetworkNamespace>();
        var code = 0;
        try
        {
            for (var i = 0; i < count; i++)
            {
                var ns = NetworkNamespace.CreateAsync().GetAwaiter().GetResult();
                made.Add(ns);
                Console.WriteLine($"ns {ns.Name} {ns.Address} {ns.HostAddress} pid {Environment.ProcessId}");
            }

            Console.WriteLine("ready");
            Console.In.ReadToEnd();
        }
        catch (Exception ex)
        {
            Console.WriteLine($"failed {ex.GetType().Name}: {ex.Message}");
            code = 1;
        }
        finally
        {
            foreach (var ns in made)
            {
                ns.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            Console.WriteLine("done");
        }

        return code;
    }

    /// <summary>A test network and <paramref name="count"/> containers (even ones on the network, odd ones on loopback); writes <c>owner</c>, <c>network</c>, <c>container</c> lines.</summary>
    private static int RunContainers(int count)
    {
        var containers = new List<CtrafficContainer>();
        CtrafficNetwork? network = null;
        var code = 0;
        try
        {
            network = CtrafficNetwork.CreateAsync().GetAwaiter().GetResult();
            Console.WriteLine($"owner {ContainerOwnership.Owner}");
            Console.WriteLine($"network {network.Name}");
            for (var i = 0; i < count; i++)
            {
                var on = i % 2 == 0 ? network : null;
                var c = CtrafficContainer.StartAsync(o => { o.HostName = $"held-{i}"; o.Network = on; }).GetAwaiter().GetResult();
                containers.Add(c);
                Console.WriteLine($"container {c.Container.Id}");
            }

            Console.WriteLine("ready");
            Console.In.ReadToEnd();
        }
        catch (Exception ex)
        {
            Console.WriteLine($"failed {ex.GetType().Name}: {ex.Message}");
            code = 1;
        }
        finally
        {
            foreach (var c in containers)
            {
                c.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            network?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Console.WriteLine("done");
        }

        return code;
    }

    /// <summary>A helper process, killed (with its children) when disposed if it still runs.</summary>
    internal sealed class Helper(Process process) : IDisposable
    {
        public Process Process { get; } = process;

        /// <summary>
        /// Waits up to <paramref name="limit"/> for the helper to exit; if it does not, fails with
        /// what it is doing: its signal masks (<c>/proc/PID/status</c>) and the output it wrote.
        /// </summary>
        public async Task WaitForExitAsync(TimeSpan limit, CancellationToken cancellationToken)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(limit);
            try
            {
                await Process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                var status = string.Join(", ", File.ReadLines($"/proc/{Process.Id}/status").Where(l => l.StartsWith("Sig", StringComparison.Ordinal) || l.StartsWith("State", StringComparison.Ordinal)));
                Process.Kill(entireProcessTree: true);
                var output = await Process.StandardOutput.ReadToEndAsync(cancellationToken);
                var error = await Process.StandardError.ReadToEndAsync(cancellationToken);
                throw new TimeoutException($"the helper did not exit within {limit.TotalSeconds:0} s ({status}); it wrote: {output.ReplaceLineEndings(" | ")} {error.ReplaceLineEndings(" | ")}");
            }
        }

        public void Dispose()
        {
            try
            {
                if (!Process.HasExited)
                {
                    Process.Kill(entireProcessTree: true);
                    Process.WaitForExit(TimeSpan.FromSeconds(10));
                }
            }
            catch (InvalidOperationException)
            {
                // Gone already.
            }

            Process.Dispose();
        }
    }
}
