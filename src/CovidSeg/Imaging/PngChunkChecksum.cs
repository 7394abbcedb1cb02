using System.IO.Hashing;

namespace CovidSeg.Imaging;

/// <summary>
/// The CRC-32 of a PNG chunk (ISO/IEC 15948, W3C PNG spec §5.5): over the chunk type and its data, the ISO-HDLC
/// polynomial that System.IO.Hashing's <see cref="Crc32"/> computes.
/// </summary>
internal static class PngChunkChecksum
{
    public static uint Of(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        return crc.GetCurrentHashAsUInt32();
    }
}
