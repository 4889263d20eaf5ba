using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Ctraffic.Testing.Tests.Network;

/// <summary>
/// The test assembly run again as a helper process (<c>CTRAFFIC_ISOLATION_HELPER=namespaces:N</c>):
/// it makes N namespaces, writes <c>ns NAME ADDRESS HOST-ADDRESS</c> for each and <c>ready</c>,
/// holds them until its standard input closes, disposes them, writes <c>done</c> and exits. The
/// isolation tests start several at once, some as PID 1 of PID namespaces of their own, and kill
/// some. Without the variable nothing happens here and the tests run as usual.
/// </summary>
internal static class IsolationHelper
{
    private const string Variable = "CTRAFFIC_ISOLATION_HELPER";

    /// <summary>Starts a helper that makes <paramref name="namespaces"/> namespaces, under <c>unshare --pid --fork</c> if <paramref name="ownPidNamespace"/>.</summary>
    public static Helper Start(int namespaces, bool ownPidNamespace = false)
    {
        var self = Environment.ProcessPath!;
        var command = Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? new List<string> { self, "exec", typeof(IsolationHelper).Assembly.Location }
            : [self];
        if (ownPidNamespace)
        {
            command.InsertRange(0, [NetworkCommand.Find("unshare") ?? "unshare", "--pid", "--fork", "--kill-child"]);
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

        info.Environment[Variable] = $"namespaces:{namespaces}";
        return new Helper(Process.Start(info)!);
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
        if (Environment.GetEnvironmentVariable(Variable) is not { } mode || !mode.StartsWith("namespaces:", StringComparison.Ordinal))
        {
            return;
        }

        var count = int.Parse(mode["namespaces:".Length..], System.Globalization.CultureInfo.InvariantCulture);
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

        Environment.Exit(code);
    }

    /// <summary>A helper process, killed (with its children) when disposed if it still runs.</summary>
    internal sealed class Helper(Process process) : IDisposable
    {
        public Process Process { get; } = process;

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
