using Ctraffic.Testing.Relay;

namespace Ctraffic.Testing.Servers.Internal;

/// <summary>The system under test at one or several addresses: no disruptions of its own.</summary>
internal sealed class ExternalServer : CtrafficServer
{
    public ExternalServer(string address, string? name)
        : base(name ?? address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Address = string.Join(',', Upstream.ParseList(address));
    }

    public override string Address { get; }

    public override ServerDisruptions Supports => ServerDisruptions.None;

    public override bool IsRunning => true;

    protected override ValueTask DisposeAsyncCore() => ValueTask.CompletedTask;
}
