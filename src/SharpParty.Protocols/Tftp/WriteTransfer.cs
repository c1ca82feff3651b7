namespace SharpParty.Protocols.Tftp;

/// <summary>
/// Receives a file (RFC 1350) into a temp name and moves it into place after the last (short) block. With a window
/// (RFC 7440) only every <c>windowsize</c>-th block in sequence, the last block, and any block out of sequence get an
/// ACK (the latter naming the last block in sequence, so the sender resumes after it). A duplicate DATA is acknowledged
/// again: it means our ACK was lost. After the final ACK the transfer lingers one timeout to answer a repeated last
/// block (RFC 1350 §6, "dallying").
/// </summary>
internal sealed class WriteTransfer(TransferChannel channel, WriteTarget target, TransferMode mode, TransferOptions opts, int retries)
{
    public long BytesReceived { get; private set; }

    /// <summary>Set when the transfer ended with an ERROR sent by us.</summary>
    public TftpFailure? Failure { get; private set; }

    public TransferOutcome Run()
    {
        var timeout = TimeSpan.FromSeconds(opts.TimeoutSeconds);
        var rx = new byte[opts.BlockSize + TftpPacket.HeaderSize + 1];
        var decoded = mode == TransferMode.NetAscii ? new byte[opts.BlockSize + 2] : null;
        var decoder = mode == TransferMode.NetAscii ? new NetAsciiDecoder() : null;
        // RFC 2347: with options the OACK stands in for ACK 0
        var ack = opts.HasAccepted ? opts.Oack() : new byte[4];
        if (!opts.HasAccepted)
        {
            TftpPacket.WriteAck(ack, 0);
        }
        var ackBuf = new byte[4];
        long received = 0;
        var sinceAck = 0;
        var tries = 0;
        if (!channel.Send(ack))
        {
            return TransferOutcome.Closed;
        }
        while (true)
        {
            var status = channel.Receive(rx, timeout, out var len);
            if (status == ReceiveStatus.Closed)
            {
                return TransferOutcome.Closed;
            }
            if (status == ReceiveStatus.Timeout)
            {
                if (++tries >= retries)
                {
                    channel.Send(TftpPacket.Error(TftpError.Undefined, "timed out"));
                    return TransferOutcome.TimedOut;
                }
                // RFC 7440 §4: on a timeout the receiver acknowledges the last block it has in sequence
                ack = AckFor(received, ack, ackBuf);
                channel.Send(ack);
                sinceAck = 0;
                continue;
            }
            var p = rx.AsSpan(0, len);
            var op = TftpPacket.OpcodeOf(p);
            if (op == TftpOpcode.Error)
            {
                return TransferOutcome.ClientAborted;
            }
            if (op != TftpOpcode.Data || len < 4)
            {
                channel.Send(TftpPacket.Error(TftpError.IllegalOperation, "expected a DATA packet"));
                return TransferOutcome.Illegal;
            }
            var payload = p[4..];
            if (payload.Length > opts.BlockSize)
            {
                channel.Send(TftpPacket.Error(TftpError.IllegalOperation, "block larger than the negotiated blksize"));
                return TransferOutcome.Illegal;
            }
            if (TftpPacket.BlockOf(p) != (ushort)(received + 1))
            {
                // a duplicate (our ACK was lost) or a block after a gap: say where we are
                ack = AckFor(received, ack, ackBuf);
                channel.Send(ack);
                sinceAck = 0;
                continue;
            }
            if (!Store(payload, decoder, decoded))
            {
                return TransferOutcome.Failed;
            }
            received++;
            tries = 0;
            var final = payload.Length < opts.BlockSize;
            if (final || ++sinceAck >= opts.WindowSize)
            {
                if (final && !Finish(decoder, decoded))
                {
                    return TransferOutcome.Failed;
                }
                TftpPacket.WriteAck(ackBuf, (ushort)received);
                ack = ackBuf;
                sinceAck = 0;
                if (!channel.Send(ack))
                {
                    return TransferOutcome.Closed;
                }
                if (final)
                {
                    _finalAck = ack;
                    return TransferOutcome.Done;
                }
            }
        }
    }

    /// <summary>The ACK of the last block in sequence; before the first block that is still the first answer (the OACK,
    /// which the client may have missed, or ACK 0).</summary>
    private static byte[] AckFor(long received, byte[] first, byte[] buf)
    {
        if (received == 0)
        {
            return first;
        }
        TftpPacket.WriteAck(buf, (ushort)received);
        return buf;
    }

    private bool Store(ReadOnlySpan<byte> payload, NetAsciiDecoder? decoder, byte[]? decoded)
    {
        try
        {
            if (decoder is null)
            {
                target.Stream.Write(payload);
            }
            else
            {
                var n = decoder.Decode(payload, decoded);
                target.Stream.Write(decoded.AsSpan(0, n));
            }
            BytesReceived += payload.Length;
            return true;
        }
        catch (IOException e)
        {
            Fail(SharpParty.Web.Upload.UploadSink.IsDiskFull(e) ? new(TftpError.DiskFull, "disk full") : new(TftpError.AccessViolation, "write failed"));
            return false;
        }
    }

    /// <summary>Flushes, closes and renames the upload into place; a failure goes to the client instead of the final ACK.</summary>
    private bool Finish(NetAsciiDecoder? decoder, byte[]? decoded)
    {
        try
        {
            if (decoder is not null)
            {
                var n = decoder.Finish(decoded);
                target.Stream.Write(decoded.AsSpan(0, n));
            }
            target.Stream.Flush();
            target.Stream.Dispose();
        }
        catch (IOException e)
        {
            Fail(SharpParty.Web.Upload.UploadSink.IsDiskFull(e) ? new(TftpError.DiskFull, "disk full") : new(TftpError.AccessViolation, "write failed"));
            return false;
        }
        if (TftpFiles.Place(target) is { } failure)
        {
            Fail(failure);
            return false;
        }
        return true;
    }

    private void Fail(TftpFailure failure)
    {
        Failure = failure;
        channel.Send(TftpPacket.Error(failure.Code, failure.Message));
    }

    private byte[]? _finalAck;

    /// <summary>After a completed upload: answers a repeated last block for one timeout, in case our final ACK was lost
    /// (the file is already in place; the caller has released the client's request slot).</summary>
    public void Dally()
    {
        if (_finalAck is not { } finalAck)
        {
            return;
        }
        var rx = new byte[opts.BlockSize + TftpPacket.HeaderSize + 1];
        var timeout = TimeSpan.FromSeconds(opts.TimeoutSeconds);
        // at most one timeout, and at most a few repeats: the sender stops as soon as one ACK gets through
        for (var i = 0; i < 3; i++)
        {
            if (channel.Receive(rx, timeout, out var len) != ReceiveStatus.Packet)
            {
                return;
            }
            if (TftpPacket.OpcodeOf(rx.AsSpan(0, len)) == TftpOpcode.Data)
            {
                channel.Send(finalAck);
            }
        }
    }
}
