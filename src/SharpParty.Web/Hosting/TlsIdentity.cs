using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SharpParty.Web.Hosting;

/// <summary>The server's TLS identity: certificate with private key, the chain that came with it, and where it came from.</summary>
internal sealed class TlsIdentity(X509Certificate2 certificate, X509Certificate2Collection chain, string file, bool created)
{
    public X509Certificate2 Certificate { get; } = certificate;

    /// <summary>Intermediate certificates that followed the server certificate in the PEM file (sent in the handshake).</summary>
    public X509Certificate2Collection Chain { get; } = chain;

    public string File { get; } = file;

    /// <summary>True when this start created the certificate (self-signed).</summary>
    public bool Created { get; } = created;

    /// <summary>SHA-256 of the DER certificate in <c>openssl x509 -fingerprint -sha256</c>'s format ("AB:CD:…"), which is also
    /// what browsers show, so a user can compare it before trusting a self-signed certificate.</summary>
    public string Sha256 { get; } = Fingerprint(certificate);

    public static string Fingerprint(X509Certificate2 certificate)
    {
        var hex = Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));
        return string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2)));
    }
}
