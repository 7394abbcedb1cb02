using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace CovidSeg.Tests.Imaging;

/// <summary>
/// Builds PNG files byte by byte (signature, chunks with their CRC-32, zlib-compressed filtered scanlines), independent
/// of the library's own PNG code, so tests can make palette, 16-bit and broken files the way other programs write them.
/// </summary>
public static class HandMadePng
{
    /// <summary>A PNG from raw unfiltered sample bytes per row (each row gets the given filter byte applied).</summary>
    public static byte[] Build(int width, int height, int bitDepth, int colourType, byte[][] rows, byte[]? palette = null, byte[]? transparency = null, byte filter = 0)
    {
        int bytesPerPixel = Math.Max(1, Channels(colourType) * bitDepth / 8);
        var raw = new MemoryStream();
        byte[] previous = new byte[rows.Length > 0 ? rows[0].Length : 0];
        foreach (var row in rows)
        {
            raw.WriteByte(filter);
            raw.Write(Filter(filter, row, previous, bytesPerPixel));
            previous = row;
        }
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)height);
        header[8] = (byte)bitDepth;
        header[9] = (byte)colourType;
        var chunks = new List<(string, byte[])> { ("IHDR", header) };
        if (palette is not null) chunks.Add(("PLTE", palette));
        if (transparency is not null) chunks.Add(("tRNS", transparency));
        chunks.Add(("IDAT", Compress(raw.ToArray())));
        chunks.Add(("IEND", []));
        return Assemble(chunks);
    }

    public static byte[] Grey8(int width, int height, byte[] levels) =>
        Build(width, height, 8, 0, Enumerable.Range(0, height).Select(y => levels.AsSpan(y * width, width).ToArray()).ToArray());

    public static byte[] Grey16(int width, int height, ushort[] levels, byte filter = 0) =>
        Build(width, height, 16, 0, Enumerable.Range(0, height).Select(y =>
        {
            var row = new byte[width * 2];
            for (int x = 0; x < width; x++) BinaryPrimitives.WriteUInt16BigEndian(row.AsSpan(2 * x), levels[y * width + x]);
            return row;
        }).ToArray(), filter: filter);

    /// <summary>An 8-bit palette PNG; <paramref name="palette"/> is RGB triples.</summary>
    public static byte[] Palette8(int width, int height, byte[] indices, byte[] palette, byte[]? transparency = null) =>
        Build(width, height, 8, 3, Enumerable.Range(0, height).Select(y => indices.AsSpan(y * width, width).ToArray()).ToArray(), palette, transparency);

    public static byte[] Assemble(IEnumerable<(string Type, byte[] Body)> chunks)
    {
        var file = new MemoryStream();
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        foreach (var (type, body) in chunks)
        {
            var typeBytes = Encoding.ASCII.GetBytes(type);
            var four = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(four, (uint)body.Length);
            file.Write(four);
            file.Write(typeBytes);
            file.Write(body);
            BinaryPrimitives.WriteUInt32BigEndian(four, Crc(typeBytes.Concat(body)));
            file.Write(four);
        }
        return file.ToArray();
    }

    /// <summary>Bit-by-bit CRC-32 (reflected polynomial 0xEDB88320), deliberately not table-driven.</summary>
    public static uint Crc(IEnumerable<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    private static byte[] Compress(byte[] raw)
    {
        var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true)) z.Write(raw);
        return output.ToArray();
    }

    private static int Channels(int colourType) => colourType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 1 };

    private static byte[] Filter(byte filter, byte[] row, byte[] above, int bpp)
    {
        var result = new byte[row.Length];
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0, b = above.Length > i ? above[i] : 0, c = i >= bpp && above.Length > i ? above[i - bpp] : 0;
            int predictor = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => Paeth(a, b, c),
                _ => throw new ArgumentOutOfRangeException(nameof(filter)),
            };
            result[i] = (byte)(row[i] - predictor);
        }
        return result;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
