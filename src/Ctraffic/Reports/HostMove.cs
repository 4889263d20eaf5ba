namespace Ctraffic.Reports;

/// <summary>Lost connections of one host that came back on another (or the same, or none).</summary>
/// <param name="From">The host the connections were lost on.</param>
/// <param name="To">The host the new connections were served by; <see cref="HostChanges.NoHost"/> if they never got a reply.</param>
/// <param name="Connections">How many.</param>
public sealed record HostMove(string From, string To, int Connections)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Connections} from {From} to {To}";
}
