using System.Buffers.Binary;
using System.IO.Compression;

namespace CovidSeg.Imaging;

/// <summary>
/// Decodes and encodes the raw samples of non-interlaced 8- and 16-bit PNGs (zlib stream of filtered scanlines,
/// W3C PNG spec §7.3 and §9). Used where SkiaSharp loses information: it has no 16-bit decode target for PNG.
/// </summary>
internal static class PngSampleCodec
{
    /// <summary>All samples, row-major and channel-interleaved, as 0..255 or 0..65535.</summary>
    public static ushort[] Decode(string path, PngStructure png)
    {
        if (png.Interlaced) throw new InvalidInputException(path, $"interlaced {png.BitDepth}-bit PNG is not supported; save it non-interlaced");
        if (png.BitDepth is not (8 or 16)) throw new InvalidInputException(path, $"unsupported PNG bit depth {png.BitDepth} for raw decoding");
        int bytesPerSample = png.BitDepth / 8;
        int bytesPerPixel = png.Channels * bytesPerSample;
        long rowBytesLong = (long)png.Width * bytesPerPixel;
        if (rowBytesLong * png.Height > int.MaxValue / 2) throw new InvalidInputException(path, $"image too large ({png.Width}x{png.Height})");
        int rowBytes = (int)rowBytesLong;

        var raw = new byte[(rowBytes + 1) * png.Height];
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(png.CompressedData), CompressionMode.Decompress);
            zlib.ReadExactly(raw);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new InvalidInputException(path, "corrupt PNG: pixel data is truncated or not valid zlib data", e);
        }

        var previous = new byte[rowBytes];
        var current = new byte[rowBytes];
        var samples = new ushort[(long)png.Width * png.Height * png.Channels];
        int sampleIndex = 0;
        for (int y = 0; y < png.Height; y++)
        {
            int offset = y * (rowBytes + 1);
            byte filter = raw[offset];
            raw.AsSpan(offset + 1, rowBytes).CopyTo(current);
            Unfilter(path, filter, current, previous, bytesPerPixel);
            if (bytesPerSample == 1)
                foreach (byte b in current) samples[sampleIndex++] = b;
            else
                for (int i = 0; i < rowBytes; i += 2) samples[sampleIndex++] = BinaryPrimitives.ReadUInt16BigEndian(current.AsSpan(i));
            (previous, current) = (current, previous);
        }
        return samples;
    }

    /// <summary>A 16-bit greyscale PNG (colour type 0), each row stored with filter type 0.</summary>
    public static byte[] EncodeGrey16(int width, int height, ReadOnlySpan<ushort> samples)
    {
        int rowBytes = width * 2;
        var raw = new byte[(rowBytes + 1) * height];
        for (int y = 0; y < height; y++)
        {
            int offset = y * (rowBytes + 1) + 1;
            for (int x = 0; x < width; x++)
                BinaryPrimitives.WriteUInt16BigEndian(raw.AsSpan(offset + 2 * x), samples[y * width + x]);
        }
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(raw);

        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)height);
        header[8] = 16;
        header[9] = (byte)PngColourType.Grey;

        using var file = new MemoryStream();
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(file, "IHDR", header);
        WriteChunk(file, "IDAT", compressed.ToArray());
        WriteChunk(file, "IEND", []);
        return file.ToArray();
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> body)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(four, (uint)body.Length);
        output.Write(four);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(body);
        BinaryPrimitives.WriteUInt32BigEndian(four, PngChunkChecksum.Of(typeBytes, body));
        output.Write(four);
    }

    private static void Unfilter(string path, byte filter, Span<byte> row, ReadOnlySpan<byte> above, int bpp)
    {
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (int i = bpp; i < row.Length; i++) row[i] += row[i - bpp];
                break;
            case 2:
                for (int i = 0; i < row.Length; i++) row[i] += above[i];
                break;
            case 3:
                for (int i = 0; i < row.Length; i++)
                    row[i] += (byte)(((i >= bpp ? row[i - bpp] : 0) + above[i]) / 2);
                break;
            case 4:
                for (int i = 0; i < row.Length; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0, b = above[i], c = i >= bpp ? above[i - bpp] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    row[i] += (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }
                break;
            default:
                throw new InvalidInputException(path, $"corrupt PNG: unknown scanline filter {filter}");
        }
    }
}
