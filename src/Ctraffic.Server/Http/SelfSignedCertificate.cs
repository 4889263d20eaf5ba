using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ctraffic.Server.Http;

/// <summary>
/// Certificates for TLS on loopback made on the spot (a test's, <c>ctraffic -local -tls</c>):
/// self-signed, for <c>localhost</c>, <c>127.0.0.1</c> and <c>::1</c>, valid for a day. Trusted by
/// the traffic that is given them (<c>TrafficOptions.TlsTrust</c>) and by nothing else: never added
/// to a store of the machine.
/// </summary>
public static class SelfSignedCertificate
{
    /// <summary>Makes a self-signed server certificate with its private key (ECDSA P-256), valid from an hour ago for a day.</summary>
    /// <param name="names">DNS names it is also for, besides <c>localhost</c> and the loopback addresses.</param>
    /// <returns>The certificate, with its private key; the caller disposes it.</returns>
    public static X509Certificate2 Create(params string[] names) => Create(TimeProvider.System, names);

    /// <summary>Makes a self-signed server certificate, valid from an hour before <paramref name="time"/>'s now for a day.</summary>
    /// <param name="time">The clock the validity starts from (a fake one makes an expired or not yet valid certificate).</param>
    /// <param name="names">DNS names it is also for, besides <c>localhost</c> and the loopback addresses.</param>
    /// <returns>The certificate, with its private key; the caller disposes it.</returns>
    public static X509Certificate2 Create(TimeProvider time, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(names);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ctraffic test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        foreach (var name in names)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(names));
            san.AddDnsName(name);
        }

        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = time.GetUtcNow();
        using var made = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));

        // Through PKCS#12, so that the key is one TLS can use on every platform.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), password: null);
    }
}
