namespace SharpParty.Protocols.Ftp;

/// <summary>
/// TYPE A (RFC 959 §3.1.1.1): on the wire every end of line is CRLF; here it is LF. A download turns each LF into CRLF,
/// an upload each CRLF into LF; any other CR is data and passes through. The two are exact inverses (a file with CRLF
/// lines goes out as CR CR LF and comes back as CR LF), as vsftpd's and pyftpdlib's ASCII modes.
/// </summary>
internal static class FtpAscii
{
    /// <summary>LF → CRLF into <paramref name="dst"/> (at least twice the source); returns the bytes written.</summary>
    public static int ToNetwork(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        var o = 0;
        while (!src.IsEmpty)
        {
            var lf = src.IndexOf((byte)'\n');
            var run = lf < 0 ? src.Length : lf;
            src[..run].CopyTo(dst[o..]);
            o += run;
            if (lf < 0)
            {
                break;
            }
            dst[o++] = (byte)'\r';
            dst[o++] = (byte)'\n';
            src = src[(lf + 1)..];
        }
        return o;
    }
}

/// <summary>CRLF → LF for an upload that arrives in pieces: a CR at the end of one piece waits for the next.</summary>
internal sealed class AsciiUploadDecoder
{
    private bool _pendingCr;

    /// <summary>Decodes <paramref name="src"/> into <paramref name="dst"/> (at least one byte longer than the source).</summary>
    public int Decode(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        if (src.IsEmpty)
        {
            return 0;
        }
        var o = 0;
        if (_pendingCr)
        {
            _pendingCr = false;
            if (src[0] != (byte)'\n')
            {
                dst[o++] = (byte)'\r';
            }
        }
        for (var i = 0; i < src.Length; i++)
        {
            var b = src[i];
            if (b == (byte)'\r')
            {
                if (i + 1 == src.Length)
                {
                    _pendingCr = true; // the next piece says whether this CR ends a line
                    continue;
                }
                if (src[i + 1] == (byte)'\n')
                {
                    continue; // CRLF: the LF that follows is the line end
                }
            }
            dst[o++] = b;
        }
        return o;
    }

    /// <summary>The end of the upload: a CR still waiting is data.</summary>
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
