using System.Globalization;
using System.Text;

namespace Ctraffic.Testing;

/// <summary>
/// nginx in front of backends (<see cref="ProcessServer.StartNginxAsync"/>): master and workers in
/// the foreground, errors to the test's output, reloaded with <c>nginx -s reload</c> (graceful:
/// the old workers finish their connections, for at most <see cref="WorkerShutdownTimeout"/>),
/// stopped with <c>SIGTERM</c> (fast: connections closed).
/// </summary>
public sealed class NginxOptions : ProcessPresetOptions
{
    /// <summary>Where Debian's <c>libnginx-mod-stream</c> puts the stream module.</summary>
    public const string DebianStreamModule = "/usr/lib/nginx/modules/ngx_stream_module.so";

    /// <summary>The most worker processes: 64.</summary>
    public const int MaxWorkerProcesses = 64;

    /// <summary>Creates the defaults.</summary>
    public NginxOptions()
        : base("nginx", "nginx")
    {
    }

    /// <summary>Which proxy. The default value is <see cref="NginxMode.Stream"/>.</summary>
    public NginxMode Mode { get; set; } = NginxMode.Stream;

    /// <summary>How many workers (<c>worker_processes</c>), 1 to <see cref="MaxWorkerProcesses"/>. The default value is 2.</summary>
    public int WorkerProcesses { get; set; } = 2;

    /// <summary>
    /// <c>worker_shutdown_timeout</c>: how long an old worker may finish its connections after a
    /// reload before nginx closes them. The default value is <see langword="null"/>: nginx's default,
    /// no limit (a long-lived connection keeps its old worker).
    /// </summary>
    public TimeSpan? WorkerShutdownTimeout { get; set; }

    /// <summary>The stream module to load, or <see langword="null"/> if nginx has it built in. The default value is <see cref="DebianStreamModule"/>.</summary>
    public string? StreamModule { get; set; } = DebianStreamModule;

    /// <summary>
    /// Parameters of every backend's <c>server</c> line in the <c>upstream</c> block (e.g.
    /// <c>max_fails=0</c>, so that nginx never takes a backend out, or <c>weight=2</c>). The default
    /// value is <see langword="null"/>: nginx's defaults (<c>max_fails=1 fail_timeout=10s</c>).
    /// </summary>
    public string? BackendParameters { get; set; }

    /// <summary>More directives for the <c>server</c> block (e.g. <c>proxy_timeout 5s;</c>). The default value is <see langword="null"/>.</summary>
    public string? ServerDirectives { get; set; }

    /// <summary>Why nginx in <paramref name="mode"/> cannot run here (for a test to skip with), or <see langword="null"/> if it can.</summary>
    /// <param name="mode">The proxy.</param>
    /// <returns>The reason, naming the Debian package to install.</returns>
    public static string? UnavailableReason(NginxMode mode = NginxMode.Stream)
        => ProcessServer.FindExecutable("nginx") is null ? "nginx is not installed (apt-get install -y nginx)"
            : mode == NginxMode.Stream && !File.Exists(DebianStreamModule) ? $"the nginx stream module is not installed ({DebianStreamModule}: apt-get install -y libnginx-mod-stream)"
            : null;

    /// <summary>Checks the options of this preset.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message and parameter name name it.</exception>
    public void Validate()
    {
        if (WorkerProcesses is < 1 or > MaxWorkerProcesses)
        {
            throw new ArgumentOutOfRangeException(nameof(WorkerProcesses), $"{nameof(WorkerProcesses)} must be 1 to {MaxWorkerProcesses}, was {WorkerProcesses}.");
        }

        if (BackendParameters is { } parameters && (parameters.Contains(';', StringComparison.Ordinal) || parameters.Contains('{', StringComparison.Ordinal) || parameters.Contains('}', StringComparison.Ordinal) || parameters.Contains('\n', StringComparison.Ordinal)))
        {
            throw new ArgumentException($"{nameof(BackendParameters)} are parameters of a server line, without ';', braces or line breaks, was \"{parameters}\".", nameof(BackendParameters));
        }

        if (WorkerShutdownTimeout is { } timeout && (timeout < TimeSpan.FromMilliseconds(1) || timeout > ProcessServerOptions.MaxTimeout))
        {
            throw new ArgumentOutOfRangeException(nameof(WorkerShutdownTimeout), $"{nameof(WorkerShutdownTimeout)} must be 1 ms to {ProcessServerOptions.MaxTimeout.TotalMinutes:0} minutes, was {timeout}.");
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
            throw new ArgumentException("nginx needs at least one backend", nameof(backends));
        }

        string[] common = ["-p", "{dir}/", "-c", "{config}", "-e", "stderr"];
        foreach (var a in common)
        {
            options.Arguments.Add(a);
            options.ReloadArguments.Add(a);
        }

        options.ReloadArguments.Add("-s");
        options.ReloadArguments.Add("reload");
        options.ReloadMode = ProcessReloadMode.Command;
        options.StopSignal = UnixSignal.SIGTERM;
        options.ConfigurationFileName = "nginx.conf";
        options.Readiness = Mode == NginxMode.Http ? ProcessReadiness.HttpGet : ProcessReadiness.EchoRoundTrip;
        options.ReadinessPath = "/ctraffic-ready";
        var mode = Mode;
        var workers = WorkerProcesses;
        var module = StreamModule;
        var directives = ServerDirectives;
        var parameters = BackendParameters;
        options.Configuration = c => Configuration(c, mode, workers, timeout: WorkerShutdownTimeout, module, directives, parameters);
        return options;
    }

    private static string Configuration(ProcessServerContext c, NginxMode mode, int workers, TimeSpan? timeout, string? module, string? directives, string? parameters)
    {
        var text = new StringBuilder();
        if (mode == NginxMode.Stream && module is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"load_module {module};\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"""
            daemon off;
            master_process on;
            worker_processes {workers};
            pid {c.Directory}/nginx.pid;
            error_log stderr notice;

            """);
        if (timeout is { } t)
        {
            text.Append(CultureInfo.InvariantCulture, $"worker_shutdown_timeout {(long)t.TotalMilliseconds}ms;\n");
        }

        text.Append("events { worker_connections 4096; }\n");
        var servers = string.Concat(c.Backends.Select(b => $"        server {b.Address}{(parameters is null ? "" : " " + parameters)};\n"));
        if (mode == NginxMode.Stream)
        {
            text.Append(CultureInfo.InvariantCulture, $$"""
                stream {
                    upstream backends {
                {{servers}}    }
                    server {
                        listen {{c.Address}};
                        proxy_pass backends;
                        proxy_connect_timeout 1s;
                        {{directives}}
                    }
                }

                """);
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $$"""
                http {
                    access_log off;
                    client_body_temp_path {{c.Directory}}/client_body;
                    proxy_temp_path {{c.Directory}}/proxy;
                    fastcgi_temp_path {{c.Directory}}/fastcgi;
                    uwsgi_temp_path {{c.Directory}}/uwsgi;
                    scgi_temp_path {{c.Directory}}/scgi;
                    upstream backends {
                {{servers}}        keepalive 16;
                    }
                    server {
                        listen {{c.Address}};
                        location = /ctraffic-ready { return 200 "ready\n"; }
                        location / {
                            proxy_pass http://backends;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                        }
                        {{directives}}
                    }
                }

                """);
        }

        return text.ToString();
    }
}
