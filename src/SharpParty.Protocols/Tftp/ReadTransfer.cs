namespace SharpParty.Protocols.Tftp;

/// <summary>How a transfer ended, for the log line.</summary>
internal enum TransferOutcome
{
    Done,
    /// <summary>The client sent an ERROR (or refused the OACK).</summary>
    ClientAborted,
    /// <summary>Retries ran out.</summary>
    TimedOut,
    /// <summary>The client sent something that makes no sense here; it got ERROR 4.</summary>
    Illegal,
    /// <summary>The write could not be stored (disk full, target taken…); the client got the ERROR.</summary>
    Failed,
    /// <summary>The server is stopping or the client's port is gone.</summary>
    Closed,
}

/// <summary>
/// Sends a file (RFC 1350) in windows of <c>windowsize</c> blocks (RFC 7440; 1 = classic lockstep). Only a timeout
/// sends anything again: a duplicate ACK is ignored, which is the cure for the Sorcerer's Apprentice bug (RFC 1123
/// §4.2.3.1). An ACK inside the window that is not its last means the client saw a gap; sending resumes after it.
/// Blocks are numbered modulo 65536 and roll over to 0, as tftp-hpa, curl and RFC 7440 expect.
/// </summary>
internal sealed class ReadTransfer(TransferChannel channel, ReadSource source, TransferOptions opts, int retries)
{
    public long BytesSent { get; private set; }

    public TransferOutcome Run()
    {
        var timeout = TimeSpan.FromSeconds(opts.TimeoutSeconds);
        var rx = new byte[65536];
        if (opts.HasAccepted)
        {
            // RFC 2347: the OACK is answered with ACK 0 (or ERROR 8 when the client does not like it)
            var oack = opts.Oack();
            var (outcome, _) = AwaitAck(oack, 0, 0, rx, timeout);
            if (outcome != TransferOutcome.Done)
            {
                return outcome;
            }
        }
        var window = opts.WindowSize;
        var slot = opts.BlockSize + TftpPacket.HeaderSize;
        // pinned for the transfer, so a window of slices goes to sendmmsg without copying or pinning per send
        var ring = GC.AllocateUninitializedArray<byte>(slot * window, pinned: true);
        var lengths = new int[window];
        using var batch = window > 1 && DatagramBatch.Supported ? new DatagramBatch(window) : null;
        long acked = 0;      // highest block the client confirmed
        long buffered = 0;   // highest block read from the source into the ring
        long next = 1;       // next block to send
        long last = -1;      // the short (final) block once read
        var tries = 0;
        while (true)
        {
            while (buffered < acked + window && last < 0)
            {
                buffered++;
                var at = (int)((buffered - 1) % window) * slot;
                var n = Fill(source.Stream, ring.AsSpan(at + TftpPacket.HeaderSize, opts.BlockSize));
                TftpPacket.WriteDataHeader(ring.AsSpan(at), (ushort)buffered);
                lengths[(buffered - 1) % window] = n;
                if (n < opts.BlockSize)
                {
                    last = buffered; // may be an empty block after a file that is a multiple of the block size
                }
            }
            if (!SendWindow(ring, slot, lengths, ref next, buffered, batch))
            {
                return TransferOutcome.Closed;
            }
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
                next = acked + 1; // the whole unacknowledged window again
                continue;
            }
            var p = rx.AsSpan(0, len);
            switch (TftpPacket.OpcodeOf(p))
            {
                case TftpOpcode.Ack when len >= 4:
                    // the block this ACK names, placed in (acked, buffered]; anything else is old news
                    var candidate = acked + (ushort)(TftpPacket.BlockOf(p) - (ushort)acked);
                    if (candidate <= acked || candidate > buffered)
                    {
                        continue; // duplicate: never answered by a resend (Sorcerer's Apprentice)
                    }
                    BytesSent += SumLengths(lengths, acked + 1, candidate, window);
                    acked = candidate;
                    tries = 0;
                    if (acked == last)
                    {
                        return TransferOutcome.Done;
                    }
                    if (next > acked + 1 && candidate < next - 1)
                    {
                        next = acked + 1; // RFC 7440: a partial ACK marks a gap; resend from there
                    }
                    break;
                case TftpOpcode.Error:
                    return TransferOutcome.ClientAborted;
                default:
                    channel.Send(TftpPacket.Error(TftpError.IllegalOperation, "expected an ACK"));
                    return TransferOutcome.Illegal;
            }
        }
    }

    /// <summary>Blocks next..buffered of the ring, in one sendmmsg when there are several.</summary>
    private unsafe bool SendWindow(byte[] ring, int slot, int[] lengths, ref long next, long buffered, DatagramBatch? batch)
    {
        var window = lengths.Length;
        if (batch is null || buffered - next < 1)
        {
            for (; next <= buffered; next++)
            {
                var i = (int)((next - 1) % window);
                if (!channel.Send(ring.AsSpan(i * slot, TftpPacket.HeaderSize + lengths[i])))
                {
                    return false;
                }
            }
            return true;
        }
        // the ring is pinned (allocated on the pinned heap), so its address holds after this block
        fixed (byte* r = ring)
        {
            for (; next <= buffered; next++)
            {
                var i = (int)((next - 1) % window);
                batch.Add(r + (i * slot), TftpPacket.HeaderSize + lengths[i]);
            }
        }
        return channel.Send(batch);
    }

    /// <summary>Sends <paramref name="packet"/> until block <paramref name="block"/> is acknowledged (only for the OACK).</summary>
    private (TransferOutcome, int) AwaitAck(byte[] packet, ushort block, int tries, byte[] rx, TimeSpan timeout)
    {
        while (true)
        {
            if (!channel.Send(packet))
            {
                return (TransferOutcome.Closed, tries);
            }
            var status = channel.Receive(rx, timeout, out var len);
            if (status == ReceiveStatus.Closed)
            {
                return (TransferOutcome.Closed, tries);
            }
            if (status == ReceiveStatus.Timeout)
            {
                if (++tries >= retries)
                {
                    channel.Send(TftpPacket.Error(TftpError.Undefined, "timed out"));
                    return (TransferOutcome.TimedOut, tries);
                }
                continue;
            }
            var p = rx.AsSpan(0, len);
            var op = TftpPacket.OpcodeOf(p);
            if (op == TftpOpcode.Ack && len >= 4 && TftpPacket.BlockOf(p) == block)
            {
                return (TransferOutcome.Done, 0);
            }
            if (op == TftpOpcode.Error)
            {
                return (TransferOutcome.ClientAborted, tries);
            }
            if (op != TftpOpcode.Ack)
            {
                channel.Send(TftpPacket.Error(TftpError.IllegalOperation, "expected ACK 0 for the OACK"));
                return (TransferOutcome.Illegal, tries);
            }
        }
    }

    private static int Fill(Stream s, Span<byte> dst)
    {
        var n = 0;
        while (n < dst.Length)
        {
            var r = s.Read(dst[n..]);
            if (r == 0)
            {
                break;
            }
            n += r;
        }
        return n;
    }

    private static long SumLengths(int[] lengths, long from, long to, int window)
    {
        long sum = 0;
        for (var b = from; b <= to; b++)
        {
            sum += lengths[(b - 1) % window];
        }
        return sum;
    }
}
