namespace Ctraffic.Testing;

/// <summary>
/// How a <see cref="ProcessServer"/> starts, knows it serves, reloads and stops. In
/// <see cref="Arguments"/>, <see cref="ReloadArguments"/> and <see cref="Environment"/> values,
/// <c>{config}</c> stands for the configuration file, <c>{dir}</c> for the server's directory,
/// <c>{address}</c>, <c>{host}</c> and <c>{port}</c> for where it listens, and (in
/// <see cref="ReloadArguments"/>) <c>{pid}</c> for the main process now running.
/// </summary>
public sealed class ProcessServerOptions
{
    /// <summary>The longest <see cref="ReadyTimeout"/> and <see cref="StopTimeout"/>: 5 minutes.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The executable: a path, or a name looked up on the PATH (and in /usr/sbin, /sbin). Required.</summary>
    public string Executable { get; set; } = "";

    /// <summary>Names the server in its disruptions (<c>"reload nginx"</c>) and its output lines. The default value is the executable's file name.</summary>
    public string? Name { get; set; }

    /// <summary>The arguments, placeholders replaced (see <see cref="ProcessServerOptions"/>). The default value is none.</summary>
    public IList<string> Arguments { get; } = [];

    /// <summary>Variables added to the process's environment, placeholders replaced. The default value is none.</summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>();

    /// <summary>The working directory. The default value is <see langword="null"/>: the server's own directory (<see cref="ProcessServerContext.Directory"/>).</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>
    /// Where the process listens and the traffic goes, <c>host:port</c>; port 0 picks a free port
    /// (tried again with another if the process exits before it serves, as when another process
    /// took the port meanwhile). The default value is <c>127.0.0.1:0</c>.
    /// </summary>
    public string Address { get; set; } = InProcessServer.DefaultAddress;

    /// <summary>
    /// The servers behind it: given to <see cref="Configuration"/>, and their disruptions mark
    /// themselves on the traffic that goes to this server. The default value is none.
    /// </summary>
    public IList<CtrafficServer> Backends { get; } = [];

    /// <summary>
    /// Writes the configuration file from where the server listens and its backends, before the
    /// start and before each <see cref="ProcessServer.ReloadAsync"/> that gets no text of its own.
    /// The default value is <see langword="null"/>: no file.
    /// </summary>
    public Func<ProcessServerContext, string>? Configuration { get; set; }

    /// <summary>The configuration file's name in the server's directory. The default value is <c>server.conf</c>.</summary>
    public string ConfigurationFileName { get; set; } = "server.conf";

    /// <summary>How the process is known to serve. The default value is <see cref="ProcessReadiness.Connect"/>.</summary>
    public ProcessReadiness Readiness { get; set; } = ProcessReadiness.Connect;

    /// <summary>The path <see cref="ProcessReadiness.HttpGet"/> asks for. The default value is <c>/</c>.</summary>
    public string ReadinessPath { get; set; } = "/";

    /// <summary>
    /// How long a start, restart or reload may take until the process serves (and, for a reload,
    /// until its new processes are there); at most <see cref="MaxTimeout"/>. The default value is 10 seconds.
    /// </summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How it reloads. The default value is <see cref="ProcessReloadMode.None"/>.</summary>
    public ProcessReloadMode ReloadMode { get; set; } = ProcessReloadMode.None;

    /// <summary>The signal of <see cref="ProcessReloadMode.Signal"/>. The default value is <see cref="UnixSignal.SIGHUP"/>.</summary>
    public UnixSignal ReloadSignal { get; set; } = UnixSignal.SIGHUP;

    /// <summary>The arguments of <see cref="ProcessReloadMode.Command"/> and <see cref="ProcessReloadMode.NewProcess"/>. The default value is none.</summary>
    public IList<string> ReloadArguments { get; } = [];

    /// <summary>The signal of <see cref="CtrafficServer.StopAsync"/>. The default value is <see cref="UnixSignal.SIGTERM"/> (nginx: <see cref="UnixSignal.SIGQUIT"/> is its graceful stop).</summary>
    public UnixSignal StopSignal { get; set; } = UnixSignal.SIGTERM;

    /// <summary>How long <see cref="CtrafficServer.StopAsync"/> waits for the process to exit before it kills it; at most <see cref="MaxTimeout"/>. The default value is 10 seconds.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets each line the process writes (standard output and error). Whatever this is, the lines
    /// also go to the test's output (xUnit v3, NUnit) prefixed with <c>[NAME]</c>, and the last
    /// ones into the message of a failed start. The default value is <see langword="null"/>.
    /// </summary>
    public Action<string>? Log { get; set; }

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message and parameter name name it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Executable))
        {
            throw new ArgumentException($"{nameof(Executable)} is required", nameof(Executable));
        }

        if (!HostPort.TryParse(Address, out _, out var error))
        {
            throw new ArgumentException($"{nameof(Address)}: {error}", nameof(Address));
        }

        if (string.IsNullOrWhiteSpace(ConfigurationFileName) || ConfigurationFileName.IndexOfAny(['/', '\0']) >= 0 || ConfigurationFileName is "." or "..")
        {
            throw new ArgumentException($"{nameof(ConfigurationFileName)} must be a file name, was '{ConfigurationFileName}'", nameof(ConfigurationFileName));
        }

        if (!ReadinessPath.StartsWith('/') || ReadinessPath.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"{nameof(ReadinessPath)} must be a path starting with '/' without spaces, was '{ReadinessPath}'", nameof(ReadinessPath));
        }

        CheckTimeout(ReadyTimeout, nameof(ReadyTimeout));
        CheckTimeout(StopTimeout, nameof(StopTimeout));
        if (ReloadMode is ProcessReloadMode.Command or ProcessReloadMode.NewProcess && ReloadArguments.Count == 0)
        {
            throw new ArgumentException($"{nameof(ReloadMode)} {ReloadMode} needs {nameof(ReloadArguments)}", nameof(ReloadArguments));
        }

        if (!Enum.IsDefined(ReloadMode) || !Enum.IsDefined(Readiness) || !Enum.IsDefined(ReloadSignal) || !Enum.IsDefined(StopSignal))
        {
            throw new ArgumentException($"{nameof(ReloadMode)}, {nameof(Readiness)}, {nameof(ReloadSignal)} or {nameof(StopSignal)} is not one of its values", nameof(ReloadMode));
        }

        if (Backends.Any(b => b is null))
        {
            throw new ArgumentException($"{nameof(Backends)} holds a null", nameof(Backends));
        }
    }

    /// <summary>A copy with collections of its own: later changes to these options do not reach a started server.</summary>
    internal ProcessServerOptions Clone()
    {
        var copy = new ProcessServerOptions
        {
            Executable = Executable,
            Name = Name,
            WorkingDirectory = WorkingDirectory,
            Address = Address,
            Configuration = Configuration,
            ConfigurationFileName = ConfigurationFileName,
            Readiness = Readiness,
            ReadinessPath = ReadinessPath,
            ReadyTimeout = ReadyTimeout,
            ReloadMode = ReloadMode,
            ReloadSignal = ReloadSignal,
            StopSignal = StopSignal,
            StopTimeout = StopTimeout,
            Log = Log,
        };
        Fill(copy.Arguments, Arguments);
        Fill(copy.ReloadArguments, ReloadArguments);
        Fill(copy.Backends, Backends);
        Fill(copy.Environment, Environment);
        return copy;
    }

    private static void Fill<T>(ICollection<T> to, IEnumerable<T> from)
    {
        foreach (var item in from)
        {
            to.Add(item);
        }
    }

    private static void CheckTimeout(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > MaxTimeout)
        {
            throw new ArgumentOutOfRangeException(name, $"{name} must be positive and at most {MaxTimeout.TotalMinutes:0} minutes, was {value}.");
        }
    }
}
