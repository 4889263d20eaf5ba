using Ctraffic.Testing;

namespace Ctraffic.Examples;

/// <summary>
/// The examples with network namespaces run one at a time, none beside another test: they
/// measure times on the real clock. They need root, <c>ip</c> and <c>nft</c>, and skip otherwise.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelNetwork
{
    public const string Name = "kernel network";

    /// <summary>Skips the test, with the reason, where namespaces cannot be made.</summary>
    public static void SkipUnlessAvailable()
    {
        if (NetworkNamespace.UnavailableReason is { } why)
        {
            Assert.Skip(why);
        }
    }
}
