using System.Buffers.Binary;

namespace CovidSeg.Tests.Imaging.Fuzz;

/// <summary>
/// Recomputes the CRC-32 of every whole chunk of a (damaged) PNG, so a fuzzed header or palette gets past the
/// checksum test and reaches the code that interprets it.
/// </summary>
public static class PngChecksums
{
    public static void Repair(byte[] png)
    {
        int pos = 8;
        while (pos + 12 <= png.Length)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos));
            if (pos + 12 + length > png.Length) return;
            uint crc = HandMadePng.Crc(png.AsSpan(pos + 4, 4 + (int)length).ToArray());
            BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(pos + 8 + (int)length), crc);
            pos += 12 + (int)length;
        }
    }
}
