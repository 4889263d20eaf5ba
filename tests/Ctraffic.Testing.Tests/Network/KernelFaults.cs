namespace Ctraffic.Testing.Tests.Network;

/// <summary>
/// The kernel-fault tests run one at a time, none beside another test: their timings are
/// measured on the real clock.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelFaults
{
    public const string Name = "network namespaces";

    /// <summary>Skips the test, with the reason, where namespaces cannot be made (not root, no <c>ip</c>/<c>nft</c>).</summary>
    public static void SkipUnlessAvailable()
    {
        if (NetworkNamespace.UnavailableReason is { } why)
        {
            Assert.Skip(why);
        }
    }
}
