namespace Ctraffic.Testing;

/// <summary>
/// What a <see cref="ProcessServer"/>'s configuration is written from: where it must listen, the
/// backends it fronts, and its own directory.
/// </summary>
/// <param name="Address">Where the process must listen, <c>host:port</c> (the port picked if <see cref="ProcessServerOptions.Address"/> asked for 0).</param>
/// <param name="Host">The host of <paramref name="Address"/>, e.g. <c>127.0.0.1</c>.</param>
/// <param name="Port">The port of <paramref name="Address"/>.</param>
/// <param name="Backends">The servers behind it (<see cref="ProcessServerOptions.Backends"/>).</param>
/// <param name="Directory">The server's own directory: its configuration, PID files and temporary files go there; deleted on dispose.</param>
/// <param name="ConfigurationPath">The configuration file, in <paramref name="Directory"/>.</param>
public sealed record ProcessServerContext(string Address, string Host, int Port, IReadOnlyList<CtrafficServer> Backends, string Directory, string ConfigurationPath);
