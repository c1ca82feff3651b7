using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SharpParty.Web.Hosting;

/// <summary>
/// Makes the certificate used when the user has none. copyparty creates a CA and a server certificate with cfssl when
/// that is installed, and otherwise serves a bundled key that everyone knows; we need no external tool, so every
/// installation gets its own key instead.
/// </summary>
internal static class SelfSignedCertificate
{
    // RFC 5280 §4.2.1.12: id-kp-serverAuth
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>A PEM text holding the private key (PKCS#8) and then the certificate: copyparty's order, so its
    /// <c>--cert</c> accepts our file too.</summary>
    public static string CreatePem(string hostName, string alg, double days, DateTimeOffset now)
    {
        using AsymmetricAlgorithm key = alg switch
        {
            "rsa-2048" => RSA.Create(2048),
            "rsa-4096" => RSA.Create(4096),
            _ => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        };
        var name = new X500DistinguishedNameBuilder();
        name.AddCommonName(hostName);
        name.AddOrganizationName("sharpparty self-signed");
        var dn = name.Build();
        var req = key is RSA rsa
            ? new CertificateRequest(dn, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(dn, (ECDsa)key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        // RFC 5280 §4.2.1.3; RSA key exchange (TLS 1.2) also needs keyEncipherment
        var usage = key is RSA ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature;
        req.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid)], false));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        // browsers ignore the common name and match only the subject alternative names (RFC 6125 §6.4.4)
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        if (!string.Equals(hostName, "localhost", StringComparison.OrdinalIgnoreCase) && Uri.CheckHostName(hostName) == UriHostNameType.Dns)
        {
            san.AddDnsName(hostName);
        }
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        req.CertificateExtensions.Add(san.Build());
        // backdated as copyparty's --crt-back 72 (hours), so a client whose clock is behind still accepts it;
        // CreateSelfSigned picks a random positive serial (RFC 5280 §4.1.2.2)
        using var cert = req.CreateSelfSigned(now.AddHours(-72), now.AddDays(days));
        return key.ExportPkcs8PrivateKeyPem() + "\n" + cert.ExportCertificatePem() + "\n";
    }
}
