namespace Ctraffic.Testing;

/// <summary>
/// <c>ctraffic -server</c> as a process of its own (<see cref="ProcessServer.StartCtrafficAsync"/>):
/// killed with <c>SIGKILL</c> (<see cref="CtrafficServer.KillAsync"/>), stopped with <c>SIGTERM</c>
/// (<see cref="CtrafficServer.StopAsync"/>: it closes its connections), started again. No reload.
/// </summary>
public sealed class CtrafficProcessOptions : ProcessPresetOptions
{
    /// <summary>The environment variable that names the <c>ctraffic</c> executable (or <c>ctraffic.dll</c>) when <see cref="ProcessPresetOptions.Executable"/> is left as it is.</summary>
    public const string ExecutableVariable = "CTRAFFIC_EXECUTABLE";

    /// <summary>Creates the defaults.</summary>
    public CtrafficProcessOptions()
        : base("ctraffic", Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } path ? path : "ctraffic")
    {
    }

    /// <summary>The host name it answers with (<c>-hostname</c>). The default value is <see langword="null"/>: <see cref="ProcessPresetOptions.Name"/>.</summary>
    public string? HostName { get; set; }

    internal ProcessServerOptions ToProcessOptions(out string? unavailable)
    {
        var options = ToProcessOptions();
        unavailable = null;
        if (Executable.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            // A framework-dependent build: run it with the dotnet host.
            options.Executable = "dotnet";
            options.Arguments.Add(Path.GetFullPath(Executable));
            if (!File.Exists(Executable))
            {
                unavailable = $"{Executable} is not found";
            }
        }

        foreach (var a in (string[])["-server", "-address", "{address}", "-hostname", HostName ?? Name])
        {
            options.Arguments.Add(a);
        }

        options.StopSignal = UnixSignal.SIGTERM;
        options.Readiness = ProcessReadiness.EchoRoundTrip;
        return options;
    }
}
