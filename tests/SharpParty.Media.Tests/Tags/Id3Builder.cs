using System.Text;

namespace SharpParty.Media.Tests.Tags;

/// <summary>Builds ID3v2 tags byte by byte for the reader tests (the layouts of the 2.2, 2.3 and 2.4 documents).</summary>
internal sealed class Id3Builder(int major)
{
    private readonly List<byte> _frames = [];

    public byte Flags { get; set; }

    public byte[]? ExtendedHeader { get; set; }

    public Id3Builder Frame(string id, byte[] data, byte formatFlags = 0)
    {
        var w = _frames;
        w.AddRange(Encoding.ASCII.GetBytes(id));
        if (major == 2)
        {
            w.AddRange([(byte)(data.Length >> 16), (byte)(data.Length >> 8), (byte)data.Length]);
        }
        else
        {
            w.AddRange(major == 4 ? SyncSafe(data.Length) : BigEndian(data.Length));
            w.AddRange([0, formatFlags]);
        }

        w.AddRange(data);
        return this;
    }

    public Id3Builder Text(string id, byte encoding, string text) => Frame(id, [encoding, .. Encode(encoding, text)]);

    public static byte[] Encode(byte encoding, string text) => encoding switch
    {
        0 => Encoding.Latin1.GetBytes(text),
        1 => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)],
        2 => Encoding.BigEndianUnicode.GetBytes(text),
        _ => Encoding.UTF8.GetBytes(text),
    };

    public byte[] Build(int padding = 16, bool unsyncWholeTag = false)
    {
        byte[] bytes = [.. ExtendedHeader ?? [], .. _frames, .. new byte[padding]];
        if (unsyncWholeTag)
        {
            bytes = Unsync(bytes);
        }

        return [(byte)'I', (byte)'D', (byte)'3', (byte)major, 0, Flags, .. SyncSafe(bytes.Length), .. bytes];
    }

    /// <summary>Unsynchronisation (2.4.0 §6.1): a 0x00 after every 0xFF.</summary>
    public static byte[] Unsync(byte[] b)
    {
        var o = new List<byte>(b.Length + 16);
        foreach (var x in b)
        {
            o.Add(x);
            if (x == 0xFF)
            {
                o.Add(0);
            }
        }

        return [.. o];
    }

    public static byte[] SyncSafe(int n) => [(byte)((n >> 21) & 0x7F), (byte)((n >> 14) & 0x7F), (byte)((n >> 7) & 0x7F), (byte)(n & 0x7F)];

    public static byte[] BigEndian(int n) => [(byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n];
}
