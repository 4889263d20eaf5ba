namespace Ctraffic.Testing.Tests.Faults;

/// <summary>
/// The fault tests measure times (latency, outages) and count descriptors: they run one at a
/// time, and apart from the rest of the assembly, so that nothing else loads the two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialFaultTests
{
    public const string Name = "faults";
}
