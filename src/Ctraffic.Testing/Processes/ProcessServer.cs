using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ctraffic.Testing.Internal;
using Ctraffic.Testing.Processes.Internal;

namespace Ctraffic.Testing;

/// <summary>
/// Any executable the test starts as the system under test — nginx, HAProxy, an Envoy-like proxy,
/// <c>ctraffic -server</c> — with a configuration written from the test, in a process group of its
/// own. Its disruptions mark themselves on the traffic that goes to it: kill (<c>SIGKILL</c> to the
/// group, <c>"kill NAME"</c>), stop (<see cref="ProcessServerOptions.StopSignal"/>, <c>"stop NAME"</c>),
/// start again, pause (<c>SIGSTOP</c>/<c>SIGCONT</c>), <see cref="Signal"/> (a mark <c>"SIGUSR2 NAME"</c>)
/// and <see cref="ReloadAsync"/> (a disruption <c>"reload NAME"</c> that lasts until the old
/// processes have exited, see <see cref="ProcessReload"/>). Its backends' disruptions are marked
/// on the same traffic. Its output goes to the test's output. Disposing it kills its process
/// groups; so does the test process's exit, and a test process killed outright has them killed by
/// the next one that starts a server. Linux only (it reads <c>/proc</c> and sends signals).
/// <code>
/// await using var nginx = await ProcessServer.StartNginxAsync(backends);
/// await using var traffic = await CtrafficFixture.StartAsync(o => o.Server = nginx);
/// await nginx.ReloadAsync();            // marks "reload nginx" until the old workers are gone
/// </code>
/// </summary>
public sealed partial class ProcessServer : CtrafficServer
{
    /// <summary>The most lines of output kept for the message of a failed start or reload.</summary>
    public const int OutputTailLines = 40;

    private static readonly string? Setsid = FindExecutable("setsid");

    private readonly ProcessServerOptions _options;
    private readonly string _executable;
    private readonly string _directory;
    private readonly CurrentTest? _test;
    private readonly Lock _lock = new();
    private readonly Queue<string> _tail = new();
    private readonly List<Process> _retired = [];
    private readonly List<Task> _drains = [];
    private readonly Dictionary<string, int> _names = [];
    private readonly CancellationTokenSource _lifetime = new();
    private ProcessServerContext _context;
    private Process? _main;
    private volatile bool _paused;

    private ProcessServer(ProcessServerOptions options, string executable, string name, string directory)
        : base(name)
    {
        _options = options;
        _executable = executable;
        _directory = directory;
        _test = TestFrameworks.Current();
        _context = new ProcessServerContext(options.Address, "", 0, [.. options.Backends], directory, Path.Combine(directory, options.ConfigurationFileName));
    }

    /// <inheritdoc/>
    public override string Address => _context.Address;

    /// <inheritdoc/>
    public override ServerDisruptions Supports => ServerDisruptions.Kill | ServerDisruptions.Stop | ServerDisruptions.Start | ServerDisruptions.Pause;

    /// <inheritdoc/>
    public override bool IsRunning => !_paused && _main is { } main && !HasExited(main);

    /// <summary>Where it listens, its backends, its directory and configuration file.</summary>
    public ProcessServerContext Context => _context;

    /// <summary>The configuration now in effect (the file's text), or <see langword="null"/> if it has none.</summary>
    public string? Configuration { get; private set; }

    /// <summary>The main process's PID (nginx's master, HAProxy's newest process), or <see langword="null"/> while killed or stopped.</summary>
    public int? ProcessId => _main is { } main && !HasExited(main) ? main.Id : null;

    /// <summary>The PIDs of every process of the server now: the main ones (also an old one still draining) and all their descendants (nginx's workers).</summary>
    public IReadOnlySet<int> Processes => ProcessTree.Of(MainProcesses().Select(p => p.Id));

    /// <summary>The last lines the process wrote (at most <see cref="OutputTailLines"/>).</summary>
    public IReadOnlyList<string> OutputTail
    {
        get
        {
            lock (_tail)
            {
                return [.. _tail];
            }
        }
    }

    /// <summary>Starts the executable <paramref name="configure"/> sets and returns once it serves.</summary>
    /// <param name="configure">Sets the options; <see cref="ProcessServerOptions.Executable"/> is required.</param>
    /// <param name="cancellationToken">Stops waiting (the process is killed).</param>
    /// <returns>The server, serving.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="FileNotFoundException">The executable is not found.</exception>
    /// <exception cref="InvalidOperationException">The process exited before it served; the message has its last output lines.</exception>
    /// <exception cref="TimeoutException">It did not serve within <see cref="ProcessServerOptions.ReadyTimeout"/>.</exception>
    public static Task<ProcessServer> StartAsync(Action<ProcessServerOptions> configure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ProcessServerOptions();
        configure(options);
        return StartAsync(options, cancellationToken);
    }

    /// <summary>Starts the executable of <paramref name="options"/> (copied) and returns once it serves; the presets' way in.</summary>
    internal static async Task<ProcessServer> StartAsync(ProcessServerOptions options, CancellationToken cancellationToken)
    {
        options = options.Clone();
        options.Validate();
        var executable = FindExecutable(options.Executable)
            ?? throw new FileNotFoundException($"{options.Executable} is not found (not a file, and not on the PATH or in /usr/sbin, /sbin)", options.Executable);
        var name = options.Name ?? Path.GetFileName(executable);
        var server = new ProcessServer(options, executable, name, ProcessJanitor.CreateDirectory(name));
        try
        {
            await server.StartFirstAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The full path of <paramref name="name"/>: itself if it holds a '/', else the first match on the PATH, /usr/sbin or /sbin.</summary>
    /// <param name="name">A file name (<c>nginx</c>) or path.</param>
    /// <returns>The path, or <see langword="null"/> if there is no such file.</returns>
    public static string? FindExecutable(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(name) ? Path.GetFullPath(name) : null;
        }

        return (System.Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/sbin", "/sbin"])
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Marks this server's disruptions and its backends' on <paramref name="recorder"/>.</summary>
    /// <param name="recorder">Usually the traffic.</param>
    /// <returns>Stops marking on it when disposed.</returns>
    public override IDisposable RecordOn(IDisruptionRecorder recorder)
    {
        List<IDisposable> detach = [base.RecordOn(recorder), .. _context.Backends.Select(b => b.RecordOn(recorder))];
        return new DetachAll(detach);
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to the main process, marked on the traffic as
    /// <c>"SIGNAL NAME"</c> just before (the report names the second such mark <c>"SIGNAL NAME#2"</c>, and so on).
    /// </summary>
    /// <param name="signal">The signal.</param>
    /// <returns>The mark's name in the report: <c>"SIGHUP nginx"</c>, <c>"SIGHUP nginx#2"</c> the second time.</returns>
    /// <exception cref="InvalidOperationException">The server is not running.</exception>
    public string Signal(UnixSignal signal)
    {
        var main = RunningMain();
        var mark = $"{signal} {Name}";
        var name = Occurrence(mark);
        Mark(mark);
        Posix.Signal(main.Id, signal);
        return name;
    }

    /// <summary>
    /// Reloads the configuration the server's way (<see cref="ProcessServerOptions.ReloadMode"/>):
    /// writes the configuration again (<paramref name="configuration"/>, or
    /// <see cref="ProcessServerOptions.Configuration"/> written anew), opens the disruption
    /// <c>"reload NAME"</c>, reloads, and returns once new processes serve and no old one listens
    /// any more (marked <c>"reload NAME effective"</c>: the old ones' drain begins). The disruption ends
    /// when the old processes have exited; <see cref="ProcessReload"/> tells a reload that kept
    /// the connections on them from one that moved them.
    /// </summary>
    /// <param name="configuration">The new configuration's text; <see langword="null"/> to write it from the options again.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The reload: old and new processes, and when the old ones are gone.</returns>
    /// <exception cref="NotSupportedException">The server cannot reload (<see cref="ProcessReloadMode.None"/>).</exception>
    /// <exception cref="InvalidOperationException">The server is not running, or the reload failed (e.g. a bad configuration: the message has the process's last lines).</exception>
    /// <exception cref="TimeoutException">No new process served within <see cref="ProcessServerOptions.ReadyTimeout"/>.</exception>
    public async Task<ProcessReload> ReloadAsync(string? configuration = null, CancellationToken cancellationToken = default)
    {
        if (_options.ReloadMode == ProcessReloadMode.None)
        {
            throw new NotSupportedException($"{Name} cannot reload: its {nameof(ProcessServerOptions.ReloadMode)} is {ProcessReloadMode.None}");
        }

        var old = RunningMain();
        WriteConfiguration(configuration);
        var before = ProcessTree.Of(MainProcesses().Select(p => p.Id));
        var mark = $"reload {Name}";
        var name = Occurrence(mark);
        var span = BeginDisruption(mark);
        try
        {
            switch (_options.ReloadMode)
            {
                case ProcessReloadMode.Signal:
                    Posix.Signal(old.Id, _options.ReloadSignal);
                    break;
                case ProcessReloadMode.Command:
                    await RunReloadCommandAsync(old.Id, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    var next = Launch(_options.ReloadArguments, old.Id);
                    lock (_lock)
                    {
                        _retired.Add(old);
                        _main = next;
                    }

                    break;
            }

            await WaitForNewProcessesAsync(before, cancellationToken).ConfigureAwait(false);
            var mains = MainProcesses().Where(p => !HasExited(p) && p != old).Select(p => p.Id).Append(_main!.Id).ToHashSet();
            List<int> replaced = [.. before.Where(p => !mains.Contains(p)).Order()];
            await WaitUntilOldProcessesStopListeningAsync(replaced, cancellationToken).ConfigureAwait(false);

            // Taken now, not at the first new process: nginx's master has forked all its new workers
            // before it tells the old ones to stop listening.
            var fresh = Processes.Except(before).Order();
            var reload = new ProcessReload(name, name == mark ? $"{mark} effective" : $"{mark} effective{name[mark.Length..]}", replaced, [.. fresh]);
            Mark($"{mark} effective");
            lock (_lock)
            {
                _drains.Add(WatchDrainAsync(reload, span));
            }

            return reload;
        }
        catch
        {
            span.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    protected override async Task KillCoreAsync(CancellationToken cancellationToken)
    {
        foreach (var process in TakeAll())
        {
            await EndAsync(process, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    protected override async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        foreach (var process in TakeAll())
        {
            Posix.Signal(process.Id, _options.StopSignal);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.StopTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Output($"did not exit within {_options.StopTimeout.TotalSeconds:0.#} s of {_options.StopSignal}: killed");
            }

            await EndAsync(process, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var process = Launch(_options.Arguments, pid: null);
        lock (_lock)
        {
            _main = process;
        }

        await WaitUntilReadyAsync(process, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async Task PauseCoreAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var groups = MainProcesses().Select(p => p.Id).ToList();
        _paused = true;
        try
        {
            groups.ForEach(g => Posix.Signal(-g, UnixSignal.SIGSTOP));
            await Task.Delay(duration, TimeProvider.System, cancellationToken).ConfigureAwait(false); // the pause itself, not a wait for a condition
        }
        finally
        {
            groups.ForEach(g => Posix.Signal(-g, UnixSignal.SIGCONT));
            _paused = false;
        }
    }

    /// <inheritdoc/>
    protected override async ValueTask DisposeAsyncCore()
    {
        await _lifetime.CancelAsync().ConfigureAwait(false);
        foreach (var process in TakeAll())
        {
            await EndAsync(process, CancellationToken.None).ConfigureAwait(false);
        }

        KillStragglers();
        Task[] drains;
        lock (_lock)
        {
            drains = [.. _drains];
        }

        await Task.WhenAll(drains).ConfigureAwait(false);
        _lifetime.Dispose();
        ProcessJanitor.Delete(_directory);
    }

    /// <summary>
    /// Kills a main process's group, and every process still carrying the server's directory (one
    /// that left the group), before waiting for the exit: the wait also waits for the end of its
    /// output, which a surviving child holding the pipe would keep open.
    /// </summary>
    private async Task EndAsync(Process process, CancellationToken cancellationToken)
    {
        ProcessJanitor.KillGroup(process.Id);
        KillStragglers();
        try
        {
            process.Kill(entireProcessTree: true); // setsid may not have made the group yet
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Exited already.
        }

        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        process.Dispose();
    }

    private static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true; // disposed
        }
    }

    private async Task StartFirstAsync(CancellationToken cancellationToken)
    {
        var wanted = HostPort.Parse(_options.Address);
        const int Attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var port = wanted.Port == 0 ? FreePort(wanted) : wanted.Port;
            _context = _context with { Address = HostPort.Format(new IPEndPoint(Resolve(wanted), port)), Host = wanted.Host, Port = port };
            WriteConfiguration(null);
            try
            {
                await StartCoreAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (InvalidOperationException) when (wanted.Port == 0 && attempt < Attempts)
            {
                Output($"exited before it served on port {port}; trying another port");
            }
        }
    }

    private static IPAddress Resolve(HostPort address)
        => address.IPAddress ?? (address.Host is "localhost" ? IPAddress.Loopback : throw new ArgumentException($"{nameof(ProcessServerOptions.Address)}: give an IP address, not '{address.Host}'", nameof(address)));

    private static int FreePort(HostPort address)
    {
        var ip = Resolve(address);
        using var probe = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(ip, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private void WriteConfiguration(string? text)
    {
        text ??= _options.Configuration?.Invoke(_context);
        if (text is not null)
        {
            File.WriteAllText(_context.ConfigurationPath, text);
            Configuration = text;
        }
    }

    private string Expand(string value, int? pid) => value
        .Replace("{config}", _context.ConfigurationPath, StringComparison.Ordinal)
        .Replace("{dir}", _directory, StringComparison.Ordinal)
        .Replace("{address}", _context.Address, StringComparison.Ordinal)
        .Replace("{host}", _context.Host, StringComparison.Ordinal)
        .Replace("{port}", _context.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{pid}", pid?.ToString(CultureInfo.InvariantCulture) ?? "", StringComparison.Ordinal);

    private ProcessStartInfo StartInfo(string executable, IEnumerable<string> arguments, int? pid)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _options.WorkingDirectory ?? _directory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(Expand(argument, pid));
        }

        foreach (var (key, value) in _options.Environment)
        {
            info.Environment[key] = Expand(value, pid);
        }

        info.Environment[ProcessJanitor.Variable] = _directory;
        return info;
    }

    /// <summary>Starts a main process in a process group of its own (under <c>setsid</c>, which execs in place: the PID is the process's).</summary>
    private Process Launch(IEnumerable<string> arguments, int? pid)
    {
        var info = Setsid is null
            ? StartInfo(_executable, arguments, pid)
            : StartInfo(Setsid, arguments.Prepend(_executable), pid);
        if (Setsid is not null)
        {
            info.ArgumentList[0] = _executable; // not a placeholder: the path as found
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Output(e.Data);
        process.ErrorDataReceived += (_, e) => Output(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"{Name}: cannot start {_executable}: {e.Message}", e);
        }

        ProcessJanitor.Started(_directory, process.Id);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Output($"started {_executable} {string.Join(' ', info.ArgumentList.Skip(Setsid is null ? 0 : 1))} (pid {process.Id})");
        return process;
    }

    private async Task RunReloadCommandAsync(int pid, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = StartInfo(_executable, _options.ReloadArguments, pid) };
        process.OutputDataReceived += (_, e) => Output(e.Data);
        process.ErrorDataReceived += (_, e) => Output(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ReadyTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill();
            throw new TimeoutException($"{Name}: the reload command did not end within {_options.ReadyTimeout.TotalSeconds:0.#} s{Tail()}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Name}: the reload command exited with {process.ExitCode}{Tail()}");
        }
    }

    private async Task WaitForNewProcessesAsync(HashSet<int> before, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.ReadyTimeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var main = RunningMain();
            var fresh = ProcessTree.Of(MainProcesses().Select(p => p.Id));
            fresh.ExceptWith(before);
            if (fresh.Count > 0)
            {
                await WaitUntilReadyAsync(main, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{Name}: no new process within {_options.ReadyTimeout.TotalSeconds:0.#} s of the reload (a bad configuration?){Tail()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, cancellationToken).ConfigureAwait(false); // polls /proc until the new processes are there, with a deadline
        }
    }

    /// <summary>Waits until no old process listens on the port: from then on, new connections go to the new processes (see <see cref="Listeners"/>).</summary>
    private async Task WaitUntilOldProcessesStopListeningAsync(List<int> old, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.ReadyTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Listeners.On(_context.Port, old) is { Count: > 0 } listening)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{Name}: the old processes {string.Join(' ', listening)} still listen on port {_context.Port} {_options.ReadyTimeout.TotalSeconds:0.#} s after the reload{Tail()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, cancellationToken).ConfigureAwait(false); // polls /proc until the old processes close their listeners, with a deadline
        }
    }

    private async Task WaitUntilReadyAsync(Process process, CancellationToken cancellationToken)
    {
        var endPoint = new IPEndPoint(Resolve(HostPort.Parse(_context.Address)), _context.Port);
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.ReadyTimeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (HasExited(process))
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false); // the last output lines are read
                throw new InvalidOperationException($"{Name} exited with {process.ExitCode} before it served on {_context.Address}{Tail()}");
            }

            var (ready, error) = await ReadinessProbe.TryAsync(endPoint, _options.Readiness, _options.ReadinessPath, cancellationToken).ConfigureAwait(false);
            if (ready)
            {
                return;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{Name} did not serve on {_context.Address} within {_options.ReadyTimeout.TotalSeconds:0.#} s ({_options.Readiness}: {error}){Tail()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, cancellationToken).ConfigureAwait(false); // polls until it serves, with a deadline
        }
    }

    /// <summary>Ends the reload's disruption once its old processes have exited (polled every 50 ms) or the server is disposed.</summary>
    private async Task WatchDrainAsync(ProcessReload reload, IDisposable span)
    {
        try
        {
            while (reload.OldProcessesRunning > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, _lifetime.Token).ConfigureAwait(false); // polls /proc for the old processes' exit
            }

            span.Dispose();
            lock (_lock)
            {
                foreach (var gone in _retired.Where(HasExited).ToList())
                {
                    _retired.Remove(gone);
                    ProcessJanitor.Forget(gone.Id);
                    gone.Dispose();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed while draining: the old processes are killed with the rest; the disruption
            // stays open to the end of the run, as they served until then.
        }
        finally
        {
            reload.SetDrained();
        }
    }

    private Process RunningMain()
        => _main is { } main && !HasExited(main) ? main : throw new InvalidOperationException($"{Name} is not running: start it first");

    private List<Process> MainProcesses()
    {
        lock (_lock)
        {
            return [.. _retired, .. _main is null ? Array.Empty<Process>() : [_main]];
        }
    }

    private List<Process> TakeAll()
    {
        lock (_lock)
        {
            var all = MainProcesses();
            _retired.Clear();
            _main = null;
            return all;
        }
    }

    /// <summary>Kills what is left of the server: a worker that outlived its master (found by the directory in its environment).</summary>
    private void KillStragglers()
    {
        foreach (var pid in ProcessJanitor.Carrying(_directory))
        {
            Posix.Signal(pid, UnixSignal.SIGKILL);
        }
    }

    /// <summary>
    /// The report's name of this server's next mark <paramref name="name"/>: itself the first
    /// time, <c>"NAME#2"</c> the second, as <see cref="Ctraffic.Reports.TrafficReport.Window"/> numbers
    /// repeated marks (counted over the server's life: traffic started after a first reload numbers from 1).
    /// </summary>
    private string Occurrence(string name)
    {
        lock (_lock)
        {
            var count = _names[name] = _names.GetValueOrDefault(name) + 1;
            return count == 1 ? name : string.Create(CultureInfo.InvariantCulture, $"{name}#{count}");
        }
    }

    private void Output(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            if (_tail.Count == OutputTailLines)
            {
                _tail.Dequeue();
            }

            _tail.Enqueue(line);
        }

        _test?.WriteLine($"[{Name}] {line}");
        _options.Log?.Invoke(line);
    }

    private string Tail()
    {
        var lines = OutputTail;
        return lines.Count == 0 ? " (it wrote nothing)" : $"; its last lines:{System.Environment.NewLine}{string.Join(System.Environment.NewLine, lines)}";
    }

    private sealed class DetachAll(List<IDisposable> detaches) : IDisposable
    {
        public void Dispose() => detaches.ForEach(d => d.Dispose());
    }
}
