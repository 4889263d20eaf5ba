namespace Ctraffic.Testing;

/// <summary>How a <see cref="ProcessServer"/> reloads its configuration (<see cref="ProcessServer.ReloadAsync"/>).</summary>
public enum ProcessReloadMode
{
    /// <summary>It cannot (<c>ctraffic -server</c>): <see cref="ProcessServer.ReloadAsync"/> throws <see cref="NotSupportedException"/>.</summary>
    None,

    /// <summary><see cref="ProcessServerOptions.ReloadSignal"/> to the main process (nginx's master, HAProxy's master with <c>-W</c>).</summary>
    Signal,

    /// <summary>The executable is run once more with <see cref="ProcessServerOptions.ReloadArguments"/> and must succeed (nginx <c>-s reload</c>).</summary>
    Command,

    /// <summary>
    /// A new main process is started with <see cref="ProcessServerOptions.ReloadArguments"/>, its
    /// <c>{pid}</c> being the old one's, which it takes over from (HAProxy <c>-sf</c>); the old one
    /// finishes its connections and exits.
    /// </summary>
    NewProcess,
}
