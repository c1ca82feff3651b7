namespace SharpParty.Protocols.Tftp;

/// <summary>
/// Reads a stream as netascii (RFC 764 as RFC 1350 §1 asks): LF becomes CR LF and a lone CR becomes CR NUL. The pair
/// that does not fit the caller's buffer waits for the next read, so blocks stay full.
/// </summary>
internal sealed class NetAsciiReader(Stream inner) : Stream
{
    private readonly byte[] _in = new byte[16384];
    private int _inPos;
    private int _inLen;
    private int _pending = -1;

    public override int Read(Span<byte> buffer)
    {
        var n = 0;
        while (n < buffer.Length)
        {
            if (_pending >= 0)
            {
                buffer[n++] = (byte)_pending;
                _pending = -1;
                continue;
            }
            if (_inPos == _inLen)
            {
                _inLen = inner.Read(_in);
                _inPos = 0;
                if (_inLen == 0)
                {
                    break;
                }
            }
            var b = _in[_inPos++];
            switch (b)
            {
                case (byte)'\n':
                    buffer[n++] = (byte)'\r';
                    _pending = '\n';
                    break;
                case (byte)'\r':
                    buffer[n++] = (byte)'\r';
                    _pending = 0;
                    break;
                default:
                    buffer[n++] = b;
                    break;
            }
        }
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>The reverse for uploads: CR LF becomes LF, CR NUL becomes CR; a CR at the end of one block is decided by
/// the first byte of the next. A CR followed by anything else is kept as it came (lenient, as tftpd-hpa).</summary>
internal sealed class NetAsciiDecoder
{
    private bool _pendingCr;

    /// <summary>Decodes <paramref name="src"/> into <paramref name="dst"/> (at least src.Length + 1 long); returns the bytes written.</summary>
    public int Decode(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        var n = 0;
        foreach (var b in src)
        {
            if (_pendingCr)
            {
                _pendingCr = false;
                if (b == (byte)'\n')
                {
                    dst[n++] = (byte)'\n';
                    continue;
                }
                dst[n++] = (byte)'\r';
                if (b == 0)
                {
                    continue;
                }
            }
            if (b == (byte)'\r')
            {
                _pendingCr = true;
                continue;
            }
            dst[n++] = b;
        }
        return n;
    }

    /// <summary>A CR left at the very end of the transfer.</summary>
    public int Finish(Span<byte> dst)
    {
        if (!_pendingCr)
        {
            return 0;
        }
        _pendingCr = false;
        dst[0] = (byte)'\r';
        return 1;
    }
}
