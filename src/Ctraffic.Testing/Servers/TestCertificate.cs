using System.Security.Cryptography.X509Certificates;
using Ctraffic.Server.Http;

namespace Ctraffic.Testing;

/// <summary>
/// Certificates made by a test for TLS on loopback (<see cref="SelfSignedCertificate"/>):
/// self-signed, for <c>localhost</c>, <c>127.0.0.1</c> and <c>::1</c>, valid for a day. Trusted by
/// the traffic that is given them (<see cref="ContinuousTrafficOptions.TlsTrust"/>, or by itself for
/// an in-process server's own) and by nothing else: never added to a store of the machine.
/// </summary>
public static class TestCertificate
{
    /// <summary>Makes a self-signed server certificate with its private key (ECDSA P-256), valid from an hour ago for a day.</summary>
    /// <param name="names">DNS names it is also for, besides <c>localhost</c> and the loopback addresses.</param>
    /// <returns>The certificate, with its private key; the caller disposes it.</returns>
    public static X509Certificate2 Create(params string[] names) => SelfSignedCertificate.Create(names);
}
