namespace Ctraffic.Testing;

/// <summary>What every preset of <see cref="ProcessServer"/> (nginx, HAProxy, <c>ctraffic -server</c>) lets the test set.</summary>
public abstract class ProcessPresetOptions
{
    private protected ProcessPresetOptions(string name, string executable)
    {
        Name = name;
        Executable = executable;
    }

    /// <summary>Names the server in its disruptions and output lines. The default value is the preset's (<c>nginx</c>, <c>haproxy</c>, <c>ctraffic</c>).</summary>
    public string Name { get; set; }

    /// <summary>The executable, a path or a name on the PATH (and /usr/sbin, /sbin). The default value is the preset's (<c>nginx</c>, <c>haproxy</c>, <c>ctraffic</c>).</summary>
    public string Executable { get; set; }

    /// <summary>Where it listens, <c>host:port</c>; port 0 picks a free one. The default value is <c>127.0.0.1:0</c>.</summary>
    public string Address { get; set; } = InProcessServer.DefaultAddress;

    /// <summary>How long a start, restart or reload may take; see <see cref="ProcessServerOptions.ReadyTimeout"/>. The default value is 10 seconds.</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets each line the process writes (they go to the test's output anyway). The default value is <see langword="null"/>.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>The general options these come to, for a preset to add its own.</summary>
    private protected ProcessServerOptions ToProcessOptions()
    {
        var options = new ProcessServerOptions
        {
            Name = Name,
            Executable = Executable,
            Address = Address,
            ReadyTimeout = ReadyTimeout,
            Log = Log,
        };
        return options;
    }
}
