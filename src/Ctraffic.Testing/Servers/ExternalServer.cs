namespace Ctraffic.Testing;

/// <summary>The system under test at one or several addresses: no disruptions of its own.</summary>
internal sealed class ExternalServer : CtrafficServer
{
    public ExternalServer(string address, string? name)
        : base(name ?? address)
    {
        ArgumentNullException.ThrowIfNull(address);
        foreach (var one in address.Split(','))
        {
            if (!HostPort.TryParse(one.Trim(), out _, out var error))
            {
                throw new ArgumentException($"{nameof(Address)}: {error}", nameof(address));
            }
        }

        Address = string.Join(',', address.Split(',').Select(a => a.Trim()));
    }

    public override string Address { get; }

    public override ServerDisruptions Supports => ServerDisruptions.None;

    public override bool IsRunning => true;

    protected override ValueTask DisposeAsyncCore() => ValueTask.CompletedTask;
}
