using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SharpParty.Core.Config;
using SharpParty.Web.Hosting;
using SharpParty.Web.Tests.Infra;

namespace SharpParty.Web.Tests;

/// <summary>
/// HTTPS as copyparty offers it: every port speaks plain HTTP and TLS (the first byte decides), <c>--http-only</c> and
/// <c>--https-only</c> force one, and the certificate is <c>--cert</c> or a self-signed one made on first start.
/// Clients pin the served certificate by its SHA-256 instead of switching validation off.
/// </summary>
public class TlsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static Task<TestServer> Start(params string[] extra) =>
        TestServer.StartAsync(["-a", "ed:wark", "-v", "pub::rw", "-v", "priv:priv:r,ed", .. extra], root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "pub"));
            Directory.CreateDirectory(Path.Combine(root, "priv"));
            File.WriteAllText(Path.Combine(root, "pub", "f.txt"), "hello tls");
            File.WriteAllText(Path.Combine(root, "priv", "s.txt"), "secret");
        });

    private static int Port(TestServer s) => new Uri(s.BaseUrl).Port;

    private static string HttpsUrl(TestServer s) => $"https://127.0.0.1:{Port(s)}";

    private static string HttpUrl(TestServer s) => $"http://127.0.0.1:{Port(s)}";

    private static string Hex(X509Certificate cert) => Convert.ToHexString(SHA256.HashData(cert.GetRawCertData()));

    /// <summary>An https client that accepts exactly the certificate with this SHA-256 (colons allowed).</summary>
    private static HttpClient PinnedClient(string baseUrl, string sha256)
    {
        var pin = sha256.Replace(":", "", StringComparison.Ordinal);
        var handler = new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, ConnectTimeout = Bound };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && Hex(cert) == pin;
        return new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = Bound };
    }

    private static HttpClient Https(TestServer s) => PinnedClient(HttpsUrl(s), s.Tls!.Sha256);

    private static HttpClient Plain(TestServer s) =>
        new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(HttpUrl(s)), Timeout = Bound };

    private static async Task AssertServesAsync(HttpClient c, string path = "/f.txt", string body = "hello tls")
    {
        using var res = await c.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal(body, await res.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task One_port_answers_https_and_plain_http()
    {
        await using var s = await Start();
        Assert.StartsWith("http://", s.BaseUrl, StringComparison.Ordinal);
        using var https = Https(s);
        using (var res = await https.GetAsync("/f.txt"))
        {
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            Assert.Equal(HttpVersion.Version11, res.Version);
            Assert.Equal("hello tls", await res.Content.ReadAsStringAsync());
        }
        // keep-alive inside TLS: a second request on the same connection
        await AssertServesAsync(https);
        using var plain = Plain(s);
        await AssertServesAsync(plain);
        // the pin is real: a client expecting another certificate refuses this one
        using var wrong = PinnedClient(HttpsUrl(s), new string('0', 64));
        await Assert.ThrowsAsync<HttpRequestException>(() => wrong.GetAsync("/f.txt"));
    }

    [Fact]
    public async Task Large_bodies_go_both_ways_through_tls_byte_for_byte()
    {
        await using var s = await Start();
        var data = new byte[5 << 20];
        new Random(42).NextBytes(data);
        await File.WriteAllBytesAsync(s.PathOf("pub/big.bin"), data);
        using var https = Https(s);
        Assert.Equal(data, await https.GetByteArrayAsync("/big.bin"));
        using (var req = new HttpRequestMessage(HttpMethod.Get, "/big.bin") { Headers = { { "Range", "bytes=1000000-1999999" } } })
        using (var res = await https.SendAsync(req))
        {
            Assert.Equal(HttpStatusCode.PartialContent, res.StatusCode);
            Assert.Equal(data.AsSpan(1_000_000, 1_000_000).ToArray(), await res.Content.ReadAsByteArrayAsync());
        }
        using (var put = await https.PutAsync("/up.bin", new ByteArrayContent(data)))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
        Assert.Equal(data, await File.ReadAllBytesAsync(s.PathOf("pub/up.bin")));
    }

    [Fact]
    public async Task Curl_k_speaks_https_and_http_to_the_same_port()
    {
        await using var s = await Start();
        var (code, body) = await s.CurlAsync("-k", "--http1.1", HttpsUrl(s) + "/f.txt");
        Assert.Equal(0, code);
        Assert.Equal("hello tls", body);
        (code, body) = await s.CurlAsync("-k", "-w", "%{scheme}", "-o", "/dev/null", HttpsUrl(s) + "/f.txt");
        Assert.Equal(0, code);
        Assert.Equal("HTTPS", body);
        (code, body) = await s.CurlAsync(HttpUrl(s) + "/f.txt");
        Assert.Equal(0, code);
        Assert.Equal("hello tls", body);
        // curl without -k checks the certificate, and a self-signed one is refused (60: peer certificate cannot be authenticated)
        (code, _) = await s.CurlAsync(HttpsUrl(s) + "/f.txt");
        Assert.Equal(60, code);
    }

    [Fact]
    public async Task Login_over_https_sets_the_secure_cppws_cookie_and_only_https_honours_it()
    {
        await using var s = await Start();
        using var https = Https(s);
        using var form = new MultipartFormDataContent { { new StringContent("login"), "act" }, { new StringContent("wark"), "cppwd" } };
        using var login = await https.PostAsync("/", form);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var set = login.Headers.GetValues("Set-Cookie").Single();
        Assert.Matches("^cppws=[A-Za-z0-9_-]{20}; expires=[^;]+; path=/; secure; samesite=lax; httponly$", set);
        var cookie = set[..set.IndexOf(';', StringComparison.Ordinal)];
        using (var req = new HttpRequestMessage(HttpMethod.Get, "/priv/s.txt") { Headers = { { "Cookie", cookie } } })
        using (var res = await https.SendAsync(req))
        {
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            Assert.Equal("secret", await res.Content.ReadAsStringAsync());
        }
        // the secure cookie means nothing in the clear (a browser would not send it there anyway)
        using var plain = Plain(s);
        using (var req = new HttpRequestMessage(HttpMethod.Get, "/priv/s.txt") { Headers = { { "Cookie", cookie } } })
        using (var res = await plain.SendAsync(req))
        {
            Assert.NotEqual(HttpStatusCode.OK, res.StatusCode);
        }
    }

    [Fact]
    public async Task Csrf_check_compares_the_origin_with_the_https_scheme()
    {
        await using var s = await Start();
        using var https = Https(s);
        async Task<HttpStatusCode> Mkdir(string name, string origin)
        {
            using var form = new MultipartFormDataContent { { new StringContent("mkdir"), "act" }, { new StringContent(name), "name" } };
            using var req = new HttpRequestMessage(HttpMethod.Post, "/") { Content = form, Headers = { { "Origin", origin } } };
            using var res = await https.SendAsync(req);
            return res.StatusCode;
        }
        Assert.NotEqual(HttpStatusCode.Forbidden, await Mkdir("same", HttpsUrl(s)));
        Assert.True(Directory.Exists(s.PathOf("pub/same")));
        // the http:// origin of the same host and port is another origin (RFC 6454 §4)
        Assert.Equal(HttpStatusCode.Forbidden, await Mkdir("other", HttpUrl(s)));
        Assert.False(Directory.Exists(s.PathOf("pub/other")));
    }

    [Fact]
    public async Task Http_only_refuses_tls_and_loads_no_certificate()
    {
        await using var s = await Start("--http-only");
        Assert.Null(s.Tls);
        var e = await Record.ExceptionAsync(() => HandshakeAsync(Port(s), SslProtocols.None, new string('0', 64)));
        Assert.True(e is AuthenticationException or IOException, e?.ToString() ?? "the handshake succeeded");
        using var plain = Plain(s);
        await AssertServesAsync(plain);
    }

    [Fact]
    public async Task Https_only_answers_plain_http_with_a_400_saying_why()
    {
        await using var s = await Start("--https-only");
        Assert.StartsWith("https://", s.BaseUrl, StringComparison.Ordinal);
        using var plain = Plain(s);
        using (var res = await plain.GetAsync("/f.txt"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            Assert.Contains("HTTPS only", await res.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.True(res.Headers.ConnectionClose);
        }
        using var https = Https(s);
        await AssertServesAsync(https);
    }

    [Fact]
    public async Task Ssl_ver_tls13_refuses_a_tls12_client()
    {
        await using var s = await Start("--ssl-ver", "TLSv1_3");
        var e = await Record.ExceptionAsync(() => HandshakeAsync(Port(s), SslProtocols.Tls12, s.Tls!.Sha256));
        Assert.True(e is AuthenticationException or IOException, e?.ToString() ?? "the handshake succeeded");
        Assert.Equal(SslProtocols.Tls13, await HandshakeAsync(Port(s), SslProtocols.None, s.Tls!.Sha256));
    }

    [Fact]
    public async Task Garbage_after_the_handshake_byte_is_dropped_and_the_server_carries_on()
    {
        await using var s = await Start();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Port(s));
        var stream = tcp.GetStream();
        var garbage = new byte[300];
        new Random(7).NextBytes(garbage);
        garbage[0] = 0x16;
        await stream.WriteAsync(garbage);
        var closedAfter = await TimeUntilClosedAsync(stream, Bound);
        Assert.True(closedAfter < Bound, "the server kept a garbage TLS connection open");
        using var https = Https(s);
        await AssertServesAsync(https);
        using var plain = Plain(s);
        await AssertServesAsync(plain);
    }

    [Fact]
    public async Task A_client_that_stops_mid_handshake_is_cut_off_and_blocks_nobody()
    {
        await using var s = await Start();
        using var stalled = new TcpClient();
        await stalled.ConnectAsync(IPAddress.Loopback, Port(s));
        var stream = stalled.GetStream();
        // a TLS record header (RFC 8446 §5.1: handshake, legacy version 3.1, 512 bytes follow) and then only 10 of them
        await stream.WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0 });
        using var silent = new TcpClient();
        await silent.ConnectAsync(IPAddress.Loopback, Port(s)); // connected, never sends a byte
        var sw = Stopwatch.StartNew();
        using (var https = Https(s))
        {
            await AssertServesAsync(https);
        }
        using (var plain = Plain(s))
        {
            await AssertServesAsync(plain);
        }
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"other clients waited {sw.Elapsed}");
        // the handshake timeout (10 s, as copyparty's socket timeout) closes the stalled one
        var closedAfter = await TimeUntilClosedAsync(stream, Bound);
        Assert.True(closedAfter < Bound, "the server kept a stalled handshake open");
        using var again = Https(s);
        await AssertServesAsync(again);
    }

    [Theory]
    [InlineData("missing", "no such file")]
    [InlineData("junk", "no certificate inside")]
    [InlineData("no-key", "no private key inside")]
    [InlineData("foreign-key", "belongs to none of the certificates")]
    [InlineData("encrypted-key", "encrypted with a passphrase")]
    public async Task A_bad_cert_file_stops_startup_with_one_line_and_exit_2(string kind, string fragment)
    {
        var dir = TempDir();
        try
        {
            var pem = Path.Combine(dir, "c.pem");
            var a = SelfSignedCertificate.CreatePem("a", "ecdsa-256", 30, DateTimeOffset.UtcNow);
            var b = SelfSignedCertificate.CreatePem("b", "ecdsa-256", 30, DateTimeOffset.UtcNow);
            var certOnly = a[a.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)..];
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var encrypted = key.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000));
            var content = kind switch
            {
                "junk" => "hello, not a certificate\n",
                "no-key" => certOnly,
                "foreign-key" => b[..b.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)] + certOnly,
                "encrypted-key" => encrypted + "\n" + certOnly,
                _ => null,
            };
            if (content is not null)
            {
                await File.WriteAllTextAsync(pem, content);
            }
            var (code, _, err) = await RunCliAsync(dir, ["-i", "127.0.0.1", "-p", "0", "--cert", pem]);
            Assert.Equal(2, code);
            var line = Assert.Single(err.Trim().Split('\n'));
            Assert.StartsWith($"sharpparty: error: --cert {pem}: ", line, StringComparison.Ordinal);
            Assert.Contains(fragment, line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("--ssl-ver tls11", "RFC 8996")]
    [InlineData("--ssl-ver tls14", "supported are tls12 and tls13")]
    [InlineData("--crt-alg dsa-1024", "supported are ecdsa-256")]
    [InlineData("--crt-sdays 0", "expected days")]
    public async Task Bad_tls_options_exit_2(string args, string fragment)
    {
        var dir = TempDir();
        try
        {
            var (code, _, err) = await RunCliAsync(dir, args.Split(' '));
            Assert.Equal(2, code);
            Assert.Contains(fragment, Assert.Single(err.Trim().Split('\n')), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_created_certificate_is_saved_0600_key_first_and_reused()
    {
        var dir = TempDir();
        try
        {
            var file = Path.Combine(dir, "state", "cert.pem");
            var now = DateTimeOffset.UtcNow;
            Assert.True(CertificateSource.TryGet(new TlsOptions(), file, now, out var first, out var note, out var error), error);
            Assert.True(first!.Created);
            Assert.Contains("created a self-signed certificate", note, StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
            var text = File.ReadAllText(file);
            Assert.True(text.IndexOf("PRIVATE KEY-----", StringComparison.Ordinal) < text.IndexOf("CERTIFICATE-----", StringComparison.Ordinal));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(file)!, "*.tmp"));

            var cert = first.Certificate;
            Assert.Equal("ECC", cert.PublicKey.Oid.FriendlyName);
            Assert.InRange((cert.NotAfter.ToUniversalTime() - now.UtcDateTime).TotalDays, 364, 366);
            var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
            Assert.Contains("localhost", san.EnumerateDnsNames());
            Assert.Contains(IPAddress.Loopback, san.EnumerateIPAddresses());
            Assert.Contains(IPAddress.IPv6Loopback, san.EnumerateIPAddresses());
            Assert.Contains("1.3.6.1.5.5.7.3.1", cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
            Assert.Equal(Hex(cert), first.Sha256.Replace(":", "", StringComparison.Ordinal));

            Assert.True(CertificateSource.TryGet(new TlsOptions(), file, now.AddDays(30), out var second, out note, out error), error);
            Assert.False(second!.Created);
            Assert.Null(note);
            Assert.Equal(first.Sha256, second.Sha256);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void An_expired_created_certificate_is_replaced_and_rsa_can_be_asked_for()
    {
        var dir = TempDir();
        try
        {
            var file = Path.Combine(dir, "cert.pem");
            var now = DateTimeOffset.UtcNow;
            File.WriteAllText(file, SelfSignedCertificate.CreatePem("old", "ecdsa-256", 10, now.AddDays(-30)));
            var options = new TlsOptions { CertAlg = "rsa-2048", CertDays = 40 };
            Assert.True(CertificateSource.TryGet(options, file, now, out var fresh, out var note, out var error), error);
            Assert.Contains("expired", note, StringComparison.Ordinal);
            Assert.True(fresh!.Certificate.NotAfter > now.UtcDateTime.AddDays(39));
            Assert.Equal("RSA", fresh.Certificate.PublicKey.Oid.FriendlyName);
            // an explicit --cert that has expired is the user's choice: served, with a warning
            var explicitFile = Path.Combine(dir, "mine.pem");
            File.WriteAllText(explicitFile, SelfSignedCertificate.CreatePem("mine", "ecdsa-256", 10, now.AddDays(-30)));
            Assert.True(CertificateSource.TryGet(new TlsOptions { CertFile = explicitFile }, file, now, out var mine, out note, out error), error);
            Assert.False(mine!.Created);
            Assert.StartsWith("warning:", note, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_chain_after_the_server_certificate_is_kept_and_the_key_may_come_last()
    {
        var now = DateTimeOffset.UtcNow;
        var leafPem = SelfSignedCertificate.CreatePem("leaf", "ecdsa-256", 30, now);
        var otherPem = SelfSignedCertificate.CreatePem("ca", "ecdsa-256", 30, now);
        var keyPart = leafPem[..leafPem.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)];
        var leafCert = leafPem[keyPart.Length..];
        var otherCert = otherPem[otherPem.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)..];
        // the CA first and the key last: copyparty would refuse this order, we find the certificate the key belongs to
        Assert.True(CertificateSource.TryParse(otherCert + leafCert + keyPart, "x.pem", false, out var id, out var error), error);
        Assert.Contains("CN=leaf", id!.Certificate.Subject, StringComparison.Ordinal);
        Assert.True(id.Certificate.HasPrivateKey);
        Assert.Contains("CN=ca", Assert.Single(id.Chain).Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_executable_creates_a_certificate_once_prints_its_fingerprint_and_lists_https_urls()
    {
        var dir = TempDir();
        try
        {
            var cfg = Path.Combine(dir, "cfg");
            string[] args = ["-i", "127.0.0.1", "-p", "0", "-v", ".::r", "--ses-db", Path.Combine(dir, "s.db")];
            var first = await RunUntilAsync(dir, cfg, args, "open one of these");
            var file = Path.Combine(cfg, "sharpparty", "cert.pem");
            using (var cert = X509Certificate2.CreateFromPemFile(file))
            {
                var fp = string.Join(':', Convert.FromHexString(Hex(cert)).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
                Assert.Single(first, l => l.Contains("SHA-256 " + fp, StringComparison.Ordinal));
            }
            Assert.Single(first, l => l.Contains("created a self-signed certificate in " + file, StringComparison.Ordinal));
            var second = await RunUntilAsync(dir, cfg, args, "open one of these");
            Assert.DoesNotContain(second, l => l.Contains("created", StringComparison.Ordinal));
            Assert.Equal(first.Single(l => l.Contains("SHA-256", StringComparison.Ordinal)), second.Single(l => l.Contains("SHA-256", StringComparison.Ordinal)));
            // the url list is printed after the marker line; both schemes are in the startup output
            var all = await RunUntilAsync(dir, cfg, args, "https://127.0.0.1:");
            Assert.Contains(all, l => l.Contains("http://127.0.0.1:", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>A TLS handshake on a raw socket, accepting the certificate with this SHA-256; returns the negotiated version.</summary>
    private static async Task<SslProtocols> HandshakeAsync(int port, SslProtocols protocols, string sha256)
    {
        var pin = sha256.Replace(":", "", StringComparison.Ordinal);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var ssl = new SslStream(tcp.GetStream());
        using var cts = new CancellationTokenSource(Bound);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocols,
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && Hex(cert) == pin,
        }, cts.Token);
        return ssl.SslProtocol;
    }

    /// <summary>Reads until the server closes (EOF or reset); bounded in time and in the number of reads.</summary>
    private static async Task<TimeSpan> TimeUntilClosedAsync(NetworkStream stream, TimeSpan limit)
    {
        var sw = Stopwatch.StartNew();
        var buf = new byte[4096];
        using var cts = new CancellationTokenSource(limit);
        try
        {
            for (var i = 0; i < 1000; i++)
            {
                if (await stream.ReadAsync(buf, cts.Token) == 0)
                {
                    return sw.Elapsed;
                }
            }
        }
        catch (IOException)
        {
            return sw.Elapsed;
        }
        catch (OperationCanceledException)
        {
        }
        return limit;
    }

    private static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "sp-tls-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(d);
        return d;
    }

    private static ProcessStartInfo Executable(string cwd, string[] args, string? configHome)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cwd };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sharpparty.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        // never the user's own state folder
        psi.Environment["XDG_CONFIG_HOME"] = configHome ?? Path.Combine(cwd, "cfg");
        return psi;
    }

    private static Task<(int Code, string Out, string Err)> RunCliAsync(string cwd, string[] args) =>
        Cli.RunAsync(Executable(cwd, args, null));

    /// <summary>Starts the executable, collects its stdout lines up to the first one containing <paramref name="marker"/>,
    /// then stops it (the process this test started, by its handle).</summary>
    private static async Task<List<string>> RunUntilAsync(string cwd, string configHome, string[] args, string marker)
    {
        using var p = Process.Start(Executable(cwd, args, configHome))!;
        _ = p.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (lines.Count < 200 && await p.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                lines.Add(line);
                if (line.Contains(marker, StringComparison.Ordinal))
                {
                    return lines;
                }
            }
            throw new InvalidOperationException("no line with '" + marker + "' in: " + string.Join('\n', lines));
        }
        finally
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }
}
