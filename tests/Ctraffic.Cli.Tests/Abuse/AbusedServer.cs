using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FluentAssertions;

namespace Ctraffic.Cli.Tests.Abuse;

/// <summary>
/// A real <c>ctraffic -server</c> child process under abuse: its open descriptors
/// (<c>/proc/PID/fd</c>) and resident memory (<c>/proc/PID/status</c> VmRSS), a baseline of both
/// taken after a first echo, and a check that it still echoes.
/// </summary>
internal sealed class AbusedServer : IAsyncDisposable
{
    public const string HostName = "abused";
    public const int DescriptorSlack = 4;

    private readonly CtrafficProcess? _process;
    private readonly Process? _shell;

    private AbusedServer(CtrafficProcess process, int port)
    {
        _process = process;
        Pid = process.Id;
        Port = port;
    }

    private AbusedServer(Process shell, int port)
    {
        _shell = shell;
        Pid = shell.Id;
        Port = port;
    }

    public int Pid { get; }

    public int Port { get; }

    public IPEndPoint TcpEndPoint => new(IPAddress.Loopback, Port);

    /// <summary>Descriptors open after the first echo.</summary>
    public int BaselineDescriptors { get; private set; }

    /// <summary>Resident memory after the first echo, in KB.</summary>
    public long BaselineRssKb { get; private set; }

    /// <summary>
    /// Descriptors open now, but for the assembly files the runtime opens (and keeps) when code runs
    /// for the first time: those are loaded code, not held connections.
    /// </summary>
    public int Descriptors => Directory.GetFiles($"/proc/{Pid}/fd").Count(fd => !IsAssembly(fd));

    /// <summary>Every descriptor open now, as the open-file limit counts them.</summary>
    public int AllDescriptors => Directory.GetFiles($"/proc/{Pid}/fd").Length;

    public long RssKb => StatusKb("VmRSS");

    /// <summary>The private part of <see cref="RssKb"/> (heap, stacks; not the mapped code), in KB.</summary>
    public long AnonKb => StatusKb("RssAnon");

    /// <summary>Private resident memory after the first echo, in KB.</summary>
    public long BaselineAnonKb { get; private set; }

    public string Stderr => _process?.Stderr ?? "";

    public bool HasExited => _process is null ? _shell!.HasExited : !Directory.Exists($"/proc/{Pid}");

    /// <summary>Starts <c>ctraffic -server</c> on <paramref name="address"/> (a free port is added) and takes the baseline.</summary>
    public static async Task<AbusedServer> StartAsync(string address = "127.0.0.1", params string[] extra)
    {
        var port = FreePort.Get();
        var process = CtrafficProcess.Start(["-server", "-address", HostPort.Format(new IPEndPoint(IPAddress.Parse(address), port)), "-hostname", HostName, .. extra]);
        var server = new AbusedServer(process, port);
        await server.WaitUpAsync();
        return server;
    }

    /// <summary>
    /// Starts the server through <c>/bin/sh</c> with its stderr sent to <paramref name="stderrTarget"/>
    /// (e.g. <c>/dev/full</c>: every write fails), after the shell ran <paramref name="prelude"/>,
    /// and takes the baseline.
    /// </summary>
    public static async Task<AbusedServer> StartWithStderrAsync(string stderrTarget, string prelude = ":")
    {
        var port = FreePort.Get();
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (var a in new[] { "-c", prelude + "; exec \"$0\" \"$@\" 2>" + stderrTarget, CtrafficProcess.Executable, "-server", "-address", $"127.0.0.1:{port}", "-hostname", HostName })
        {
            info.ArgumentList.Add(a);
        }

        var server = new AbusedServer(Process.Start(info)!, port);
        await server.WaitUpAsync();
        return server;
    }

    /// <summary>Lowers the child's soft open-file limit (prlimit), the hard limit unchanged.</summary>
    public void LimitDescriptors(int soft)
    {
        using var prlimit = Process.Start(new ProcessStartInfo("prlimit", ["--pid", Pid.ToString(CultureInfo.InvariantCulture), $"--nofile={soft}:"]) { UseShellExecute = false })!;
        prlimit.WaitForExit(10_000).Should().BeTrue();
        prlimit.ExitCode.Should().Be(0, "prlimit must be able to set the child's limit");
    }

    /// <summary>A new connection gets its handshake stamped and the bytes after it echoed (bounded).</summary>
    public async Task<bool> EchoesAsync(TimeSpan? within = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(within ?? TimeSpan.FromSeconds(5));
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(TcpEndPoint, cts.Token);
            var packet = Enumerable.Range(0, 200).Select(i => (byte)(i + 1)).ToArray();
            packet[HostName.Length] = 0;
            await socket.SendAsync(packet, SocketFlags.None, cts.Token);
            var reply = new byte[packet.Length];
            var got = 0;
            while (got < reply.Length)
            {
                var n = await socket.ReceiveAsync(reply.AsMemory(got), SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return false;
                }

                got += n;
            }

            return Encoding.ASCII.GetString(reply, 0, HostName.Length) == HostName && reply.AsSpan(HostName.Length).SequenceEqual(packet.AsSpan(HostName.Length));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits (bounded) until the server holds no more descriptors than at the baseline, give or
    /// take <see cref="DescriptorSlack"/> the runtime may open on its own later (a leak of one per
    /// connection or per address shows as thousands).
    /// </summary>
    public Task<bool> DescriptorsBackToBaselineAsync(TimeSpan within)
        => EventuallyAsync(() => Descriptors <= BaselineDescriptors + DescriptorSlack, within);

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return condition();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
        else if (_shell is not null)
        {
            if (!_shell.HasExited)
            {
                _shell.Kill();
                await _shell.WaitForExitAsync();
            }

            _shell.Dispose();
        }
    }

    private async Task WaitUpAsync()
    {
        var up = false;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!up && DateTime.UtcNow < deadline && !HasExited)
        {
            up = await EchoesAsync(TimeSpan.FromSeconds(1));
            if (!up)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }

        up.Should().BeTrue($"the server should echo on port {Port}; stderr: {Stderr}");

        // The runtime opens a few descriptors of its own on first use: the baseline is taken
        // once they are there (a few more echoes).
        for (var i = 0; i < 3; i++)
        {
            (await EchoesAsync()).Should().BeTrue();
        }

        BaselineDescriptors = Descriptors;
        BaselineRssKb = RssKb;
        BaselineAnonKb = AnonKb;
    }

    private static bool IsAssembly(string fd)
    {
        try
        {
            return new FileInfo(fd).LinkTarget?.EndsWith(".dll", StringComparison.Ordinal) == true;
        }
        catch (IOException)
        {
            return false; // closed meanwhile
        }
    }

    private long StatusKb(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"no {field} in /proc/{Pid}/status");
    }
}
