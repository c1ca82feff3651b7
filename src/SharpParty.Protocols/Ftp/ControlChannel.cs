using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using SharpParty.Web.Hosting;

namespace SharpParty.Protocols.Ftp;

/// <summary>
/// The control connection: lines in through a <see cref="PipeReader"/>, replies out through a <see cref="PipeWriter"/>,
/// either straight on Kestrel's transport or, after <c>AUTH TLS</c> (RFC 4217 §4), through an <see cref="SslStream"/>
/// over it. Replies are serialised: a finishing transfer and the command loop may both answer.
/// </summary>
internal sealed class ControlChannel(IDuplexPipe transport) : IAsyncDisposable
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private PipeReader _input = transport.Input;
    private PipeWriter _output = transport.Output;
    private SslStream? _tls;
    private bool _skipping;

    public bool IsTls => _tls is not null;

    /// <summary>Set with <c>--ftpv</c>: sees every reply before it is sent.</summary>
    public Action<string>? Trace { get; set; }

    /// <summary>Sends one reply; <paramref name="text"/> is one line or several joined by '\n' (multi-line replies carry
    /// their own "NNN-" prefixes). Never throws for a client that went away.</summary>
    public async Task ReplyAsync(string text)
    {
        Trace?.Invoke(text);
        await _writeGate.WaitAsync();
        try
        {
            var bytes = Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n");
            await _output.WriteAsync(bytes);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            // the client is gone; the read loop notices and ends the session
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>The next command line, or null when the client closed the connection (or <paramref name="ct"/> fired).</summary>
    public async Task<FtpLine?> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            ReadResult r;
            try
            {
                r = await _input.ReadAsync(ct);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException or AuthenticationException
                or Microsoft.AspNetCore.Connections.ConnectionResetException)
            {
                return null;
            }
            var buf = r.Buffer;
            if (FtpLineParser.TryRead(ref buf, ref _skipping, out var line))
            {
                _input.AdvanceTo(buf.Start);
                return line;
            }
            _input.AdvanceTo(buf.Start, buf.End);
            if (r.IsCompleted || r.IsCanceled)
            {
                return null;
            }
        }
    }

    /// <summary>AUTH TLS: the 234 has been sent; the handshake runs over the raw transport and later lines go through TLS.</summary>
    public async Task<bool> UpgradeAsync(TlsIdentity tls, SslProtocols protocols, CancellationToken ct)
    {
        var raw = new DuplexPipeStream(transport);
        var ssl = new SslStream(raw, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = tls.ServerContext,
                EnabledSslProtocols = protocols,
                ClientCertificateRequired = false,
            }, ct);
        }
        catch (Exception e) when (e is IOException or AuthenticationException or OperationCanceledException)
        {
            await ssl.DisposeAsync();
            return false;
        }
        _tls = ssl;
        _input = PipeReader.Create(ssl, new StreamPipeReaderOptions(leaveOpen: true));
        _output = PipeWriter.Create(ssl, new StreamPipeWriterOptions(leaveOpen: true));
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_tls is not null)
        {
            try
            {
                await _output.CompleteAsync();
                await _input.CompleteAsync();
                await _tls.DisposeAsync();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
            {
            }
        }
        _writeGate.Dispose();
    }
}

/// <summary>A <see cref="Stream"/> over Kestrel's connection pipe, for <see cref="SslStream"/> to run on.</summary>
internal sealed class DuplexPipeStream(IDuplexPipe pipe) : Stream
{
    private readonly Stream _in = pipe.Input.AsStream(leaveOpen: true);
    private readonly Stream _out = pipe.Output.AsStream(leaveOpen: true);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _in.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _in.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _out.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _out.WriteAsync(buffer, offset, count, cancellationToken);

    public override Task FlushAsync(CancellationToken cancellationToken) => _out.FlushAsync(cancellationToken);

    public override void Flush() => throw new NotSupportedException("synchronous I/O");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous I/O");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous I/O");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
