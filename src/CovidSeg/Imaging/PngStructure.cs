using System.Buffers.Binary;

namespace CovidSeg.Imaging;

/// <summary>PNG colour types (W3C PNG spec §11.2.2, IHDR).</summary>
internal enum PngColourType : byte
{
    Grey = 0,
    Rgb = 2,
    Palette = 3,
    GreyAlpha = 4,
    Rgba = 6,
}

/// <summary>
/// The chunks of a PNG file that CovidSeg reads itself, because SkiaSharp hides them: the header (bit depth, colour
/// type), the palette (PLTE) and its transparency (tRNS), and the compressed pixel data (IDAT, concatenated).
/// Skia expands palettes to colours and reduces 16-bit samples to 8 bits (or half floats), so palette indices and
/// 16-bit precision both need this parser (W3C PNG spec, 2nd edition, §5 and §11).
/// </summary>
internal sealed class PngStructure
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public int Width { get; private init; }
    public int Height { get; private init; }
    public int BitDepth { get; private init; }
    public PngColourType ColourType { get; private init; }
    public bool Interlaced { get; private init; }
    /// <summary>Palette entries as RGB triples (PLTE), empty when there is none.</summary>
    public byte[] Palette { get; private init; } = [];
    /// <summary>Alpha of the first palette entries (tRNS); entries beyond it are opaque.</summary>
    public byte[] PaletteAlpha { get; private init; } = [];
    public byte[] CompressedData { get; private init; } = [];

    public int PaletteCount => Palette.Length / 3;

    public int Channels => ColourType switch
    {
        PngColourType.Grey => 1,
        PngColourType.GreyAlpha => 2,
        PngColourType.Rgb => 3,
        PngColourType.Rgba => 4,
        _ => 1,
    };

    public static bool HasSignature(ReadOnlySpan<byte> bytes) => bytes.Length >= 8 && bytes[..8].SequenceEqual(Signature);

    /// <summary>Parses the chunk structure; <paramref name="path"/> only names the file in errors.</summary>
    public static PngStructure Parse(string path, ReadOnlySpan<byte> bytes)
    {
        if (!HasSignature(bytes)) throw new InvalidInputException(path, "not a PNG file (bad signature)");
        int pos = 8;
        PngStructure? header = null;
        byte[] palette = [];
        byte[] alpha = [];
        using var data = new MemoryStream();
        bool sawEnd = false;
        while (pos < bytes.Length && !sawEnd)
        {
            if (pos + 12 > bytes.Length) throw new InvalidInputException(path, "corrupt PNG: truncated chunk");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes[pos..]);
            if (length > int.MaxValue || pos + 12 + (long)length > bytes.Length) throw new InvalidInputException(path, "corrupt PNG: truncated chunk");
            var type = bytes.Slice(pos + 4, 4);
            var body = bytes.Slice(pos + 8, (int)length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(bytes[(pos + 8 + (int)length)..]);
            string typeName = System.Text.Encoding.ASCII.GetString(type);
            if (PngChunkChecksum.Of(type, body) != stored) throw new InvalidInputException(path, $"corrupt PNG: checksum mismatch in {typeName} chunk");
            switch (typeName)
            {
                case "IHDR":
                    if (body.Length != 13) throw new InvalidInputException(path, "corrupt PNG: bad IHDR chunk");
                    header = new PngStructure
                    {
                        Width = checked((int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(body), int.MaxValue)),
                        Height = checked((int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(body[4..]), int.MaxValue)),
                        BitDepth = body[8],
                        ColourType = (PngColourType)body[9],
                        Interlaced = body[12] != 0,
                    };
                    break;
                case "PLTE":
                    palette = body.ToArray();
                    break;
                case "tRNS":
                    alpha = body.ToArray();
                    break;
                case "IDAT":
                    data.Write(body);
                    break;
                case "IEND":
                    sawEnd = true;
                    break;
            }
            pos += 12 + (int)length;
        }
        if (header is null) throw new InvalidInputException(path, "corrupt PNG: no IHDR chunk");
        return new PngStructure
        {
            Width = header.Width,
            Height = header.Height,
            BitDepth = header.BitDepth,
            ColourType = header.ColourType,
            Interlaced = header.Interlaced,
            Palette = palette,
            PaletteAlpha = header.ColourType == PngColourType.Palette ? alpha : [],
            CompressedData = data.ToArray(),
        };
    }
}
