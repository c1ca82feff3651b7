using System.Globalization;
using System.Security.Authentication;

namespace SharpParty.Core.Config;

/// <summary>Which of the two protocols a listening port speaks (copyparty: both on every port, told apart by the first bytes).</summary>
internal enum TlsMode
{
    /// <summary>The default: plain HTTP and HTTPS on the same port.</summary>
    Both,
    /// <summary><c>--http-only</c>: never TLS; the first bytes are not even looked at.</summary>
    HttpOnly,
    /// <summary><c>--https-only</c>: plain HTTP requests get a 400 saying so.</summary>
    HttpsOnly,
}

/// <summary>The TLS settings (copyparty's "SSL/TLS options" and "TLS certificate generator options" that we implement).</summary>
internal sealed record TlsOptions
{
    public TlsMode Mode { get; init; } = TlsMode.Both;

    /// <summary><c>--cert</c>: a PEM file holding the private key and the certificate (copyparty's format: key first, then the
    /// server certificate, then any chain). Null: the default in the state folder, created on first start.</summary>
    public string? CertFile { get; init; }

    /// <summary><c>--ssl-ver</c>: TLS 1.2 and 1.3 by default; older versions are not offered at all (RFC 8996 deprecates 1.0 and 1.1).</summary>
    public SslProtocols Protocols { get; init; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary><c>--crt-sdays</c>: lifetime of a created certificate, as copyparty's default 365 days.</summary>
    public double CertDays { get; init; } = 365;

    /// <summary><c>--crt-alg</c>: key of a created certificate: ecdsa-256 (copyparty's default), rsa-2048 or rsa-4096.</summary>
    public string CertAlg { get; init; } = "ecdsa-256";

    public static bool TryBuild(Func<string, bool> has, Func<string, string?> last, string workingDir, out TlsOptions options, out string error)
    {
        options = new TlsOptions();
        error = "";
        if (has("http-only") && has("https-only"))
        {
            error = "--http-only and --https-only exclude each other";
            return false;
        }
        var mode = has("http-only") ? TlsMode.HttpOnly : has("https-only") ? TlsMode.HttpsOnly : TlsMode.Both;
        var cert = last("cert");
        if (cert is { Length: 0 })
        {
            error = "--cert: expected a path to a PEM file";
            return false;
        }
        if (!TryParseVersions(last("ssl-ver"), out var protocols, out error))
        {
            return false;
        }
        if (!double.TryParse(last("crt-sdays"), NumberStyles.Float, CultureInfo.InvariantCulture, out var days) || days is <= 0 or > 36500)
        {
            error = "--crt-sdays: expected days (a number > 0)";
            return false;
        }
        var alg = last("crt-alg")!.ToLowerInvariant();
        if (alg is not ("ecdsa-256" or "rsa-2048" or "rsa-4096"))
        {
            error = $"--crt-alg {alg}: supported are ecdsa-256, rsa-2048 and rsa-4096";
            return false;
        }
        options = new TlsOptions
        {
            Mode = mode,
            CertFile = cert is null ? null : Path.GetFullPath(cert, workingDir),
            Protocols = protocols,
            CertDays = days,
            CertAlg = alg,
        };
        return true;
    }

    /// <summary>copyparty's spelling, tersed the same way: "TLSv1_3", "tls1.3" and "tls13" all mean TLS 1.3.</summary>
    private static bool TryParseVersions(string? text, out SslProtocols protocols, out string error)
    {
        protocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        error = "";
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }
        protocols = SslProtocols.None;
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var v = raw.ToLowerInvariant().Replace("_", "", StringComparison.Ordinal).Replace("v", "", StringComparison.Ordinal)
                .Replace(".", "", StringComparison.Ordinal);
            switch (v)
            {
                case "tls12":
                    protocols |= SslProtocols.Tls12;
                    break;
                case "tls13":
                    protocols |= SslProtocols.Tls13;
                    break;
                case "all":
                    protocols |= SslProtocols.Tls12 | SslProtocols.Tls13;
                    break;
                case "ssl2" or "ssl3" or "tls1" or "tls10" or "tls11":
                    error = $"--ssl-ver {raw}: not offered; TLS 1.0 and 1.1 are deprecated (RFC 8996), SSL long broken; use tls12,tls13";
                    return false;
                default:
                    error = $"--ssl-ver {raw}: supported are tls12 and tls13 (comma-separated)";
                    return false;
            }
        }
        if (protocols == SslProtocols.None)
        {
            error = "--ssl-ver: no version given; supported are tls12 and tls13";
            return false;
        }
        return true;
    }
}
