using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Ctraffic.Client.Http;

/// <summary>
/// Server certificates checked against the run's own roots (<see cref="TrafficOptions.TlsTrust"/>)
/// rather than the machine's: the chain is built again with those roots alone, and the name must
/// still match the address connected to.
/// </summary>
internal static class TlsTrust
{
    public static bool Accepts(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        try
        {
            return chain.Build(leaf);
        }
        finally
        {
            if (!ReferenceEquals(leaf, certificate))
            {
                leaf.Dispose();
            }
        }
    }
}
