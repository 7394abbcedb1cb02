namespace CovidSeg.Imaging;

/// <summary>
/// Turns colours decoded from a palette PNG back into palette indices. SkiaSharp expands palette images to colours,
/// so the index of each pixel is recovered from the PLTE (and tRNS) table; a colour listed under two indices is only
/// an error if the image actually uses it, because then the label cannot be told.
/// </summary>
internal sealed class PaletteIndexMap
{
    private readonly Dictionary<uint, int> indexOf = new();
    private readonly Dictionary<uint, (int First, int Second)> ambiguous = new();

    public PaletteIndexMap(PngStructure png)
    {
        for (int i = 0; i < png.PaletteCount; i++)
        {
            byte alpha = i < png.PaletteAlpha.Length ? png.PaletteAlpha[i] : (byte)255;
            uint key = Key(png.Palette[3 * i], png.Palette[3 * i + 1], png.Palette[3 * i + 2], alpha);
            if (indexOf.TryGetValue(key, out int first))
                ambiguous.TryAdd(key, (first, i));
            else
                indexOf[key] = i;
        }
    }

    /// <summary>Indices for RGBA (unpremultiplied) pixels.</summary>
    public byte[] Map(string path, ReadOnlySpan<byte> rgba)
    {
        var indices = new byte[rgba.Length / 4];
        uint lastKey = uint.MaxValue;
        int lastIndex = -1;
        for (int p = 0; p < indices.Length; p++)
        {
            uint key = Key(rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2], rgba[4 * p + 3]);
            if (key != lastKey || lastIndex < 0)
            {
                lastIndex = Lookup(path, key, p);
                lastKey = key;
            }
            indices[p] = checked((byte)lastIndex);
        }
        return indices;
    }

    private int Lookup(string path, uint key, int pixel)
    {
        if (ambiguous.TryGetValue(key, out var pair))
            throw new InvalidInputException(path, $"palette entries {pair.First} and {pair.Second} have the same colour {Describe(key)} and the image uses it, so its label cannot be told");
        if (indexOf.TryGetValue(key, out int index)) return index;
        throw new InvalidInputException(path, $"decoded colour {Describe(key)} at pixel {pixel} is not in the palette (corrupt palette image)");
    }

    private static uint Key(byte r, byte g, byte b, byte a) => (uint)r << 24 | (uint)g << 16 | (uint)b << 8 | a;

    private static string Describe(uint key) => $"({key >> 24}, {(key >> 16) & 0xFF}, {(key >> 8) & 0xFF})";
}
