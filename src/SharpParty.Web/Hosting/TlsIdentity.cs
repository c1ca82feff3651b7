using System.Net.Security;
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

    /// <summary>
    /// What every TLS handshake (HTTPS, FTPS control and data) presents, built on the first handshake rather than at
    /// startup: building it validates the chain, which loads the whole system root store (every file under
    /// /etc/ssl/certs). Measured at startup: 45 ms of the 84 ms to the first answered request, and 4.3 MiB of resident
    /// memory, spent even when nobody ever connects with TLS. Built once, then shared (before, FTPS built one per
    /// handshake).
    /// </summary>
    public SslStreamCertificateContext ServerContext => _context.Value;

    private readonly Lazy<SslStreamCertificateContext> _context = new(
        () => SslStreamCertificateContext.Create(certificate, chain, offline: true), LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Fingerprint(X509Certificate2 certificate)
    {
        var hex = Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));
        return string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2)));
    }
}
