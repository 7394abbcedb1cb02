using CovidSeg.IO;
using System.Runtime.InteropServices;
using SkiaSharp;
using CovidSeg.Labels;

namespace CovidSeg.Imaging;

/// <summary>
/// Reads and writes 2D slices as PNG or JPEG through SkiaSharp: grey images (8- and 16-bit; colour converted to grey
/// with the ITU-R BT.601 luma weights), label masks (grey PNG of indices, or palette PNG whose indices are the labels,
/// as in the COVID-SemiSeg masks), and RGB overlays. Writes go to a temporary file that is then renamed, so a crash
/// never leaves half a file under the real name.
/// </summary>
public static class ImageFile
{
    /// <summary>ITU-R BT.601 luma weights for R, G, B.</summary>
    public const double LumaRed = 0.299, LumaGreen = 0.587, LumaBlue = 0.114;

    /// <summary>
    /// Default largest image accepted, in pixels (100 megapixels, 10000 x 10000). A PNG or JPEG states its size in
    /// its header, and a few hundred bytes can claim 20000 x 20000 pixels that decode to gigabytes, so the size is
    /// checked against this before any pixel is decoded.
    /// </summary>
    public const long DefaultMaxPixels = 100_000_000;

    /// <summary>The most any limit can allow: Skia sizes a decode buffer (4 bytes per RGBA pixel) with a 32-bit int.</summary>
    public const long MaxPixelsCeiling = int.MaxValue / 4;

    /// <summary>
    /// Reads a PNG or JPEG as grey levels. 16-bit PNGs keep all 16 bits (<see cref="IntensityScale.Display16Bit"/>);
    /// everything else is <see cref="IntensityScale.Display8Bit"/>. Alpha is ignored. RGB pixels become
    /// 0.299 R + 0.587 G + 0.114 B, kept as a fraction (not rounded). SkiaSharp 3.119 has no 16-bit decode target
    /// for PNG (Rgba16161616 reports InvalidConversion; RgbaF16 keeps only 11 bits; 16-bit grey comes out as 8 bits),
    /// so 16-bit PNGs go through <see cref="PngSampleCodec"/>, which does not support interlaced files.
    /// </summary>
    public static GreyImage ReadGrey(string path, long maxPixels = DefaultMaxPixels)
    {
        byte[] bytes = ReadAllBytes(path);
        if (PngStructure.HasSignature(bytes))
        {
            var png = PngStructure.Parse(path, bytes);
            RequireNotEmpty(path, png.Width, png.Height);
            RequireWithinLimit(path, png.Width, png.Height, maxPixels);
            if (png.BitDepth == 16)
            {
                ushort[] samples = PngSampleCodec.Decode(path, png);
                return new GreyImage(png.Width, png.Height, ToGrey(samples, png.Channels), IntensityScale.Display16Bit);
            }
        }
        else if (!IsJpeg(bytes))
        {
            throw new InvalidInputException(path, "not a PNG or JPEG image");
        }

        using var codec = OpenCodec(path, bytes, maxPixels);
        if (codec.Info.ColorType == SKColorType.Gray8)
        {
            byte[] grey = DecodeWithSkia(path, codec, SKColorType.Gray8);
            return new GreyImage(codec.Info.Width, codec.Info.Height, Array.ConvertAll(grey, b => (float)b), IntensityScale.Display8Bit);
        }
        byte[] rgba = DecodeWithSkia(path, codec, SKColorType.Rgba8888);
        var pixels = new float[codec.Info.Width * codec.Info.Height];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = Luma(rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]);
        return new GreyImage(codec.Info.Width, codec.Info.Height, pixels, IntensityScale.Display8Bit);
    }

    /// <summary>
    /// Reads a label mask: a grey PNG whose levels are the label indices (8- or 16-bit, or fewer bits per pixel), or
    /// a palette PNG whose palette indices are the labels. With <paramref name="labels"/>, every value must be one of
    /// its classes. JPEG is refused: lossy compression changes label values at edges.
    /// </summary>
    public static LabelMask ReadLabels(string path, LabelSet? labels = null, long maxPixels = DefaultMaxPixels)
    {
        byte[] bytes = ReadAllBytes(path);
        if (IsJpeg(bytes)) throw new InvalidInputException(path, "label masks must be PNG (JPEG compression changes label values)");
        if (!PngStructure.HasSignature(bytes)) throw new InvalidInputException(path, "not a PNG image");
        var png = PngStructure.Parse(path, bytes);
        RequireNotEmpty(path, png.Width, png.Height);
        RequireWithinLimit(path, png.Width, png.Height, maxPixels);

        byte[] values;
        switch (png.ColourType)
        {
            case PngColourType.Palette:
            {
                if (png.PaletteCount == 0) throw new InvalidInputException(path, "corrupt PNG: palette image without a PLTE chunk");
                using var codec = OpenCodec(path, bytes, maxPixels);
                byte[] rgba = DecodeWithSkia(path, codec, SKColorType.Rgba8888);
                values = new PaletteIndexMap(png).Map(path, rgba);
                break;
            }
            case PngColourType.Grey when png.BitDepth == 16:
            {
                ushort[] samples = PngSampleCodec.Decode(path, png);
                values = new byte[samples.Length];
                for (int i = 0; i < samples.Length; i++)
                {
                    if (samples[i] > byte.MaxValue)
                        throw new InvalidInputException(path, $"label value {samples[i]} at ({i % png.Width}, {i / png.Width}) is above 255");
                    values[i] = (byte)samples[i];
                }
                break;
            }
            case PngColourType.Grey:
            {
                using var codec = OpenCodec(path, bytes, maxPixels);
                values = DecodeWithSkia(path, codec, SKColorType.Gray8);
                // Skia stretches 1/2/4-bit grey to 0..255; the stored level is the label.
                if (png.BitDepth < 8)
                {
                    int step = 255 / ((1 << png.BitDepth) - 1);
                    for (int i = 0; i < values.Length; i++) values[i] = (byte)(values[i] / step);
                }
                break;
            }
            default:
                throw new InvalidInputException(path, $"a label mask must be a grey or palette PNG, this one is {DescribeColourType(png.ColourType)}");
        }

        var mask = new LabelMask(png.Width, png.Height, values);
        if (labels is not null) RequireKnownLabels(path, mask, labels);
        return mask;
    }

    /// <summary>Throws naming the file and the first value that is not a class of <paramref name="labels"/>.</summary>
    public static void RequireKnownLabels(string path, LabelMask mask, LabelSet labels)
    {
        for (int i = 0; i < mask.Labels.Length; i++)
        {
            if (mask.Labels[i] >= labels.Count)
                throw new InvalidInputException(path,
                    $"label value {mask.Labels[i]} at ({i % mask.Width}, {i / mask.Width}) is outside the label set (0..{labels.Count - 1}: {string.Join(", ", labels.Classes.Select(c => c.Name))})");
        }
    }

    /// <summary>Writes an 8-bit grey PNG; 16-bit and Hounsfield images are mapped as in <see cref="GreyLevels.ToDisplay8"/>.</summary>
    public static void WriteGrey8(string path, GreyImage image) => WriteGrey8(path, image.Width, image.Height, GreyLevels.ToDisplay8(image));

    /// <summary>Writes an 8-bit grey PNG of row-major levels.</summary>
    public static void WriteGrey8(string path, int width, int height, byte[] levels)
    {
        RequireSize(width, height, levels.Length, 1);
        WriteAtomically(path, EncodeWithSkia(width, height, SKColorType.Gray8, levels));
    }

    /// <summary>Writes a 16-bit grey PNG, keeping 16-bit levels exactly (8-bit levels become level x 257).</summary>
    public static void WriteGrey16(string path, GreyImage image) =>
        WriteAtomically(path, PngSampleCodec.EncodeGrey16(image.Width, image.Height, GreyLevels.ToDisplay16(image)));

    /// <summary>Writes the mask as a single-channel 8-bit PNG whose levels are the label indices.</summary>
    public static void WriteLabels(string path, LabelMask mask) =>
        WriteAtomically(path, EncodeWithSkia(mask.Width, mask.Height, SKColorType.Gray8, mask.Labels));

    /// <summary>Writes an RGB PNG from row-major R, G, B bytes (an overlay, for instance).</summary>
    public static void WriteRgb(string path, int width, int height, byte[] rgb) => WriteAtomically(path, EncodeRgb(width, height, rgb));

    /// <summary>PNG bytes of row-major R, G, B bytes (for embedding, e.g. as a data URI in an HTML report).</summary>
    public static byte[] EncodeRgb(int width, int height, byte[] rgb)
    {
        RequireSize(width, height, rgb.Length, 3);
        return EncodeWithSkia(width, height, SKColorType.Rgba8888, ToOpaqueRgba(rgb));
    }

    private static float Luma(double r, double g, double b) => (float)(LumaRed * r + LumaGreen * g + LumaBlue * b);

    private static float[] ToGrey(ushort[] samples, int channels)
    {
        var grey = new float[samples.Length / channels];
        for (int i = 0; i < grey.Length; i++)
        {
            int s = i * channels;
            // Grey and grey+alpha: the first sample is the level. RGB(A): BT.601 luma.
            grey[i] = channels <= 2 ? samples[s] : Luma(samples[s], samples[s + 1], samples[s + 2]);
        }
        return grey;
    }

    private static byte[] ReadAllBytes(string path)
    {
        if (Directory.Exists(path)) throw new InvalidInputException(path, "is a folder, expected an image file");
        if (!File.Exists(path)) throw new InvalidInputException(path, "file not found");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(path, $"cannot read the file ({e.Message})", e);
        }
        if (bytes.Length == 0) throw new InvalidInputException(path, "file is empty");
        return bytes;
    }

    private static bool IsJpeg(ReadOnlySpan<byte> bytes) => bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;

    private static void RequireNotEmpty(string path, int width, int height)
    {
        if (width <= 0 || height <= 0) throw new InvalidInputException(path, $"image is empty ({width}x{height} pixels)");
    }

    /// <summary>Refuses an image larger than <paramref name="maxPixels"/>, from its header, before decoding.</summary>
    private static void RequireWithinLimit(string path, int width, int height, long maxPixels)
    {
        long pixels = (long)width * height;
        if (pixels > maxPixels || pixels > MaxPixelsCeiling)
            throw new InvalidInputException(path, $"image is {width}x{height} = {pixels} pixels, more than the limit of {Math.Min(maxPixels, MaxPixelsCeiling)} (--max-pixels); not decoded");
    }

    /// <summary>Opens a codec, which reads only the header; its size is checked before any pixel is decoded.</summary>
    private static SKCodec OpenCodec(string path, byte[] bytes, long maxPixels)
    {
        // The codec takes ownership of the stream and reads from it while decoding.
        var codec = SKCodec.Create(new MemoryStream(bytes, writable: false), out var result);
        if (codec is null) throw new InvalidInputException(path, $"corrupt or unreadable image ({result})");
        if (codec.Info.Width <= 0 || codec.Info.Height <= 0)
        {
            codec.Dispose();
            throw new InvalidInputException(path, $"image is empty ({codec.Info.Width}x{codec.Info.Height} pixels)");
        }
        try
        {
            RequireWithinLimit(path, codec.Info.Width, codec.Info.Height, maxPixels);
        }
        catch
        {
            codec.Dispose();
            throw;
        }
        return codec;
    }

    /// <summary>Decodes all pixels without colour management (no destination colour space), unpremultiplied.</summary>
    private static byte[] DecodeWithSkia(string path, SKCodec codec, SKColorType colorType)
    {
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, colorType,
            colorType == SKColorType.Gray8 ? SKAlphaType.Opaque : SKAlphaType.Unpremul, null);
        var pixels = new byte[info.BytesSize];
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(info, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }
        return result switch
        {
            SKCodecResult.Success => pixels,
            SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput => throw new InvalidInputException(path, $"corrupt image: pixel data is truncated or damaged ({result})"),
            _ => throw new InvalidInputException(path, $"cannot decode the image ({result})"),
        };
    }

    private static byte[] EncodeWithSkia(int width, int height, SKColorType colorType, byte[] pixels)
    {
        var info = new SKImageInfo(width, height, colorType, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new CovidSegException($"SkiaSharp could not encode a {width}x{height} {colorType} PNG");
        return data.ToArray();
    }

    private static void RequireSize(int width, int height, int length, int channels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"image size must be positive, got {width}x{height}");
        if (length != (long)width * height * channels) throw new ArgumentException($"expected {width * height * channels} bytes for {width}x{height}x{channels}, got {length}");
    }

    private static void WriteAtomically(string path, byte[] bytes) => AtomicFile.WriteAllBytes(path, bytes);

    private static string DescribeColourType(PngColourType type) => type switch
    {
        PngColourType.Rgb => "RGB",
        PngColourType.Rgba => "RGBA",
        PngColourType.GreyAlpha => "grey with alpha",
        _ => $"colour type {(int)type}",
    };

    /// <summary>Row-major R, G, B bytes as opaque R, G, B, A (Skia's 32-bit layout).</summary>
    internal static byte[] ToOpaqueRgba(byte[] rgb)
    {
        var rgba = new byte[rgb.Length / 3 * 4];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgba[j] = rgb[i];
            rgba[j + 1] = rgb[i + 1];
            rgba[j + 2] = rgb[i + 2];
            rgba[j + 3] = 255;
        }
        return rgba;
    }
}
