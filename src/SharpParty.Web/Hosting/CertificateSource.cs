using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SharpParty.Core.Config;

namespace SharpParty.Web.Hosting;

/// <summary>
/// Finds the server certificate before anything listens: <c>--cert PATH</c> (must exist and be valid, as copyparty's
/// "certificate file does not exist"), else <c>cert.pem</c> in the state folder, created self-signed on first start and
/// again when it has expired. Failures are one-line messages naming the file.
/// </summary>
internal static class CertificateSource
{
    // a PEM key and certificate chain is a few KiB; refusing more keeps "--cert /dev/zero" from reading forever
    private const int MaxPemChars = 1 << 20;

    public static string DefaultFile => Path.Combine(StateDir.Path, "cert.pem");

    /// <param name="note">on success, something worth one line at startup (a created or expired certificate), else null</param>
    public static bool TryGet(TlsOptions tls, string defaultFile, DateTimeOffset now, out TlsIdentity? identity, out string? note, out string error)
    {
        identity = null;
        note = null;
        if (tls.CertFile is { } file)
        {
            if (!TryRead(file, created: false, out identity, out error))
            {
                error = $"--cert {file}: {error}";
                return false;
            }
            var cert = identity!.Certificate;
            if (cert.NotAfter <= now || cert.NotBefore > now)
            {
                note = $"warning: the certificate in {file} is valid only from {cert.NotBefore:u} to {cert.NotAfter:u}; clients will refuse it";
            }
            return true;
        }
        return TryDefault(tls, defaultFile, now, out identity, out note, out error);
    }

    private static bool TryDefault(TlsOptions tls, string file, DateTimeOffset now, out TlsIdentity? identity, out string? note, out string error)
    {
        note = null;
        var replace = false;
        if (File.Exists(file))
        {
            if (!TryRead(file, created: false, out identity, out error))
            {
                error = $"{file}: {error} (remove it and a new certificate is created at the next start)";
                return false;
            }
            if (identity!.Certificate.NotAfter > now.AddDays(1))
            {
                return true;
            }
            note = $"the certificate in {file} expired on {identity.Certificate.NotAfter:u}; ";
            replace = true;
        }
        var pem = SelfSignedCertificate.CreatePem(System.Net.Dns.GetHostName(), tls.CertAlg, tls.CertDays, now);
        if (!TrySave(file, pem, replace, out var saveError))
        {
            // a read-only home still gets HTTPS, with a new certificate (and fingerprint) on every start
            note += $"could not save a certificate to {file} ({saveError}); using a new one for this run only";
            return TryParse(pem, file, created: true, out identity, out error);
        }
        // read back what is on disk: when two servers start at once, both use the file that won the race
        if (!TryRead(file, created: true, out identity, out error))
        {
            error = $"{file}: {error}";
            return false;
        }
        note += $"created a self-signed certificate in {file}, valid until {identity!.Certificate.NotAfter:u}";
        return true;
    }

    private static bool TryRead(string file, bool created, out TlsIdentity? identity, out string error)
    {
        identity = null;
        string text;
        try
        {
            using var reader = new StreamReader(file, Encoding.ASCII);
            var buf = new char[MaxPemChars + 1];
            var n = reader.ReadBlock(buf, 0, buf.Length);
            if (n > MaxPemChars)
            {
                error = "too large for a PEM certificate file";
                return false;
            }
            text = new string(buf, 0, n);
        }
        catch (FileNotFoundException)
        {
            error = "no such file";
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            error = "no such file";
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = "cannot read: " + e.Message;
            return false;
        }
        return TryParse(text, file, created, out identity, out error);
    }

    /// <summary>Every certificate in the file, and the private key; the server certificate is the one the key belongs to,
    /// whatever the order (copyparty insists on key first), the others are sent as its chain.</summary>
    internal static bool TryParse(string text, string file, bool created, out TlsIdentity? identity, out string error)
    {
        identity = null;
        error = "";
        var certs = new List<X509Certificate2>();
        var hasKey = false;
        var hasEncryptedKey = false;
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label];
            if (label.SequenceEqual("CERTIFICATE"))
            {
                try
                {
                    certs.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(rest[fields.Base64Data].ToString())));
                }
                catch (CryptographicException)
                {
                    error = "a CERTIFICATE block is not a valid X.509 certificate";
                    return false;
                }
            }
            else if (label.SequenceEqual("ENCRYPTED PRIVATE KEY"))
            {
                hasEncryptedKey = true;
            }
            else if (label.EndsWith("PRIVATE KEY", StringComparison.Ordinal))
            {
                hasKey = true;
            }
            rest = rest[fields.Location.End..];
        }
        if (certs.Count == 0)
        {
            error = "no certificate inside (expected a PEM block \"-----BEGIN CERTIFICATE-----\")";
            return false;
        }
        if (!hasKey)
        {
            error = hasEncryptedKey
                ? "the private key is encrypted with a passphrase; store it unencrypted (and the file mode 0600)"
                : "no private key inside (expected a PEM block \"-----BEGIN PRIVATE KEY-----\" next to the certificate)";
            return false;
        }
        X509Certificate2? leaf = null;
        foreach (var c in certs)
        {
            try
            {
                leaf = X509Certificate2.CreateFromPem(c.ExportCertificatePem(), text);
                certs.Remove(c);
                c.Dispose();
                break;
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                // the key belongs to another certificate of the chain (or to none)
            }
        }
        if (leaf is null)
        {
            error = "the private key belongs to none of the certificates inside";
            return false;
        }
        if (!AllowsServerAuth(leaf))
        {
            error = "the certificate is not for servers (its extended key usage lacks serverAuth, RFC 5280 §4.2.1.12)";
            return false;
        }
        if (OperatingSystem.IsWindows())
        {
            // SChannel cannot use a key that only lives in memory; a PKCS#12 round trip gives it a persisted one
            var pfx = leaf.Export(X509ContentType.Pkcs12);
            leaf.Dispose();
            leaf = X509CertificateLoader.LoadPkcs12(pfx, null);
        }
        identity = new TlsIdentity(leaf, [.. certs], file, created);
        return true;
    }

    private static bool AllowsServerAuth(X509Certificate2 cert)
    {
        var eku = cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        // no EKU extension means any use is allowed (RFC 5280 §4.2.1.12)
        return eku is null || eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value is "1.3.6.1.5.5.7.3.1" or "2.5.29.37.0");
    }

    /// <summary>Writes through a temporary file created with mode 0600 (the key never exists world-readable), then renames
    /// it into place; without <paramref name="replace"/> an existing file (another server's, started at the same moment) wins.</summary>
    private static bool TrySave(string file, string pem, bool replace, out string error)
    {
        error = "";
        var tmp = $"{file}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var fso = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                fso.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var fs = new FileStream(tmp, fso))
            {
                fs.Write(Encoding.ASCII.GetBytes(pem));
                fs.Flush(flushToDisk: true);
            }
            if (replace || !File.Exists(file))
            {
                File.Move(tmp, file, overwrite: replace);
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!replace && File.Exists(file))
            {
                return true; // lost the race: the other server's certificate is used
            }
            error = e.Message;
            return false;
        }
        finally
        {
            try
            {
                File.Delete(tmp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
