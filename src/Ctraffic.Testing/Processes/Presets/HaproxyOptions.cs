using System.Globalization;
using System.Text;

namespace Ctraffic.Testing;

/// <summary>
/// HAProxy in front of backends (<see cref="ProcessServer.StartHaproxyAsync"/>): <c>mode tcp</c>,
/// round-robin, health checks every <see cref="CheckInterval"/>, in the foreground (<c>-db</c>).
/// Reloaded the soft way: a new process with <c>-sf OLDPID</c> takes the port over and the old
/// one finishes its connections, for at most <see cref="HardStopAfter"/>. Stopped with <c>SIGTERM</c>.
/// </summary>
public sealed class HaproxyOptions : ProcessPresetOptions
{
    /// <summary>Creates the defaults.</summary>
    public HaproxyOptions()
        : base("haproxy", "haproxy")
    {
    }

    /// <summary>
    /// <c>hard-stop-after</c>: how long an old process may finish its connections after a soft
    /// reload or stop before HAProxy closes them. The default value is <see langword="null"/>: no
    /// limit (a long-lived connection keeps the old process).
    /// </summary>
    public TimeSpan? HardStopAfter { get; set; }

    /// <summary>The health checks' interval (<c>inter</c>; one failure marks a backend down, one success up), 10 ms to 1 minute. The default value is 100 ms.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>More lines for the <c>backend</c> section (e.g. <c>option tcp-check</c>). The default value is <see langword="null"/>.</summary>
    public string? BackendDirectives { get; set; }

    /// <summary>Why HAProxy cannot run here (for a test to skip with), or <see langword="null"/> if it can.</summary>
    public static string? UnavailableReason
        => ProcessServer.FindExecutable("haproxy") is null ? "haproxy is not installed (apt-get install -y haproxy)" : null;

    /// <summary>Checks the options of this preset.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message and parameter name name it.</exception>
    public void Validate()
    {
        if (HardStopAfter is { } stop && (stop < TimeSpan.FromMilliseconds(1) || stop > ProcessServerOptions.MaxTimeout))
        {
            throw new ArgumentOutOfRangeException(nameof(HardStopAfter), $"{nameof(HardStopAfter)} must be 1 ms to {ProcessServerOptions.MaxTimeout.TotalMinutes:0} minutes, was {stop}.");
        }

        if (CheckInterval < TimeSpan.FromMilliseconds(10) || CheckInterval > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(CheckInterval), $"{nameof(CheckInterval)} must be 10 ms to 1 minute, was {CheckInterval}.");
        }
    }

    internal ProcessServerOptions ToProcessOptions(IEnumerable<CtrafficServer> backends)
    {
        Validate();
        var options = ToProcessOptions();
        foreach (var backend in backends)
        {
            options.Backends.Add(backend);
        }

        if (options.Backends.Count == 0)
        {
            throw new ArgumentException("haproxy needs at least one backend", nameof(backends));
        }

        foreach (var a in (string[])["-db", "-f", "{config}"])
        {
            options.Arguments.Add(a);
            options.ReloadArguments.Add(a);
        }

        options.ReloadArguments.Add("-sf");
        options.ReloadArguments.Add("{pid}");
        options.ReloadMode = ProcessReloadMode.NewProcess;
        options.StopSignal = UnixSignal.SIGTERM;
        options.ConfigurationFileName = "haproxy.cfg";
        options.Readiness = ProcessReadiness.EchoRoundTrip;
        var hardStop = HardStopAfter;
        var check = (long)CheckInterval.TotalMilliseconds;
        var directives = BackendDirectives;
        options.Configuration = c => Configuration(c, hardStop, check, directives);
        return options;
    }

    private static string Configuration(ProcessServerContext c, TimeSpan? hardStop, long checkMs, string? directives)
    {
        var text = new StringBuilder("global\n    maxconn 4096\n");
        if (hardStop is { } t)
        {
            text.Append(CultureInfo.InvariantCulture, $"    hard-stop-after {(long)t.TotalMilliseconds}ms\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"""
            defaults
                mode tcp
                timeout connect 1s
                timeout client 60s
                timeout server 60s
                retries 3
                option redispatch
            frontend front
                bind {c.Address}
                default_backend servers
            backend servers
                balance roundrobin
                default-server inter {checkMs}ms fall 1 rise 1

            """);
        foreach (var backend in c.Backends)
        {
            text.Append(CultureInfo.InvariantCulture, $"    server {backend.Name} {backend.Address} check\n");
        }

        if (directives is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"    {directives}\n");
        }

        return text.ToString();
    }
}
