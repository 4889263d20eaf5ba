namespace Ctraffic.Analysis;

/// <summary>A number of connections to one server host.</summary>
/// <param name="Host">The host name the server sent; empty when the connection got none.</param>
/// <param name="Count">The number of connections.</param>
public readonly record struct HostCount(string Host, int Count);
