using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FluentAssertions;
using System.Runtime.InteropServices;
using System.Text;

namespace Ctraffic.Cli.Tests;

/// <summary>The built <c>ctraffic</c> command run as a real process, with its output captured.</summary>
internal sealed class CtrafficProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();

    private CtrafficProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static string Executable => Path.Combine(AppContext.BaseDirectory, "ctraffic");

    public int Id => _process.Id;

    public string Stdout
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    public static CtrafficProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return new CtrafficProcess(Process.Start(info)!);
    }

    /// <summary>
    /// Starts <c>ctraffic</c> from a bash <paramref name="script"/> that runs it as
    /// <c>"$CTRAFFIC" "$@"</c>, for what only a shell sets up: redirections, ignored signals, pipes.
    /// </summary>
    public static CtrafficProcess StartInShell(string script, params string[] args)
    {
        var info = new ProcessStartInfo("/bin/bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.Environment["CTRAFFIC"] = Executable;
        foreach (var a in (string[])["-c", script, "ctraffic", .. args])
        {
            info.ArgumentList.Add(a);
        }

        return new CtrafficProcess(Process.Start(info)!);
    }

    /// <summary>
    /// Starts <c>ctraffic -server</c> on 127.0.0.1:<paramref name="port"/> and waits (bounded) until
    /// it accepts a TCP connect (with <c>-udp</c> the UDP socket is bound before that).
    /// </summary>
    public static async Task<CtrafficProcess> StartServerAsync(int port, string host = "backend-x", params string[] extra)
    {
        var server = Start(["-server", "-address", $"127.0.0.1:{port}", "-hostname", host, .. extra]);
        var up = false;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!up && DateTime.UtcNow < deadline)
        {
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), TestContext.Current.CancellationToken);
                up = true;
            }
            catch (SocketException)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }

        up.Should().BeTrue($"the server should listen on port {port}; stderr: {server.Stderr}");
        return server;
    }

    /// <summary>Runs to the end (bounded) and returns the exit code.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(TimeSpan limit, params string[] args)
    {
        await using var p = Start(args);
        var code = await p.WaitForExitAsync(limit);
        return (code, p.Stdout, p.Stderr);
    }

    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(limit);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    /// <summary>Waits (bounded) until stderr or stdout has a line containing <paramref name="text"/>.</summary>
    public async Task<bool> WaitForOutputAsync(string text, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            if (Stderr.Contains(text, StringComparison.Ordinal) || Stdout.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return Stderr.Contains(text, StringComparison.Ordinal) || Stdout.Contains(text, StringComparison.Ordinal);
    }

    public void Signal(int signal) => _ = Kill(_process.Id, signal);

    public void KillHard() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private void Append(StringBuilder sb, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            sb.AppendLine(line);
        }
    }
}
