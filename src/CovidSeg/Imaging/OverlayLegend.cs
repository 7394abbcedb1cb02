using System.Runtime.InteropServices;
using SkiaSharp;
using CovidSeg.Labels;

namespace CovidSeg.Imaging;

/// <summary>
/// The legend of an overlay (swatch + class name per lesion class) in a dark strip added to the right of the image,
/// so it never covers anatomy. Without a usable font (containers often ship none) it shows the swatches only.
/// </summary>
public static class OverlayLegend
{
    /// <summary>Strip background: dark grey, distinct from black air so the image's edge stays visible.</summary>
    public static readonly (byte R, byte G, byte B) Background = (32, 32, 32);

    /// <summary>Swatch side in pixels for an image of this size: readable on small slices, modest on large ones.</summary>
    public static int SwatchSize(int width, int height) => Math.Clamp(Math.Min(width, height) / 24, 10, 16);

    /// <summary>A new picture: <paramref name="image"/> at (0, 0), the strip to its right; taller than the image only
    /// when the legend needs it (the extra rows are strip colour).</summary>
    public static RgbPicture AppendStrip(RgbPicture image, LabelSet labels)
    {
        int swatch = SwatchSize(image.Width, image.Height);
        int gap = Math.Max(2, swatch / 3);
        using var font = new SKFont(SKTypeface.Default, swatch);
        var lesions = labels.Lesions.ToList();
        bool withText = lesions.All(c => CanDrawText(font, c.Name));
        int textWidth = withText ? (int)Math.Ceiling(lesions.Max(c => font.MeasureText(c.Name))) + gap : 0;
        int stripWidth = gap + swatch + gap + textWidth;
        int legendHeight = gap + lesions.Count * (swatch + gap);
        int width = image.Width + stripWidth, height = Math.Max(image.Height, legendHeight);

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(Background.R, Background.G, Background.B));
            using var fill = new SKPaint { IsAntialias = false };
            using var text = new SKPaint { Color = SKColors.White, IsAntialias = true };
            for (int k = 0; k < lesions.Count; k++)
            {
                var c = lesions[k];
                int left = image.Width + gap, top = gap + k * (swatch + gap);
                fill.Color = new SKColor(c.R, c.G, c.B);
                canvas.DrawRect(new SKRect(left, top, left + swatch, top + swatch), fill);
                if (withText)
                    canvas.DrawText(c.Name, left + swatch + gap, top + swatch * 0.85f, SKTextAlign.Left, font, text);
            }
        }

        var rgba = new byte[width * height * 4];
        Marshal.Copy(bitmap.GetPixels(), rgba, 0, rgba.Length);
        var rgb = new byte[width * height * 3];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgb[i] = rgba[j];
            rgb[i + 1] = rgba[j + 1];
            rgb[i + 2] = rgba[j + 2];
        }
        // The image is copied in afterwards, byte for byte, so drawing can never touch it.
        for (int y = 0; y < image.Height; y++)
            Buffer.BlockCopy(image.Rgb, 3 * y * image.Width, rgb, 3 * y * width, 3 * image.Width);
        return new RgbPicture(width, height, rgb);
    }

    /// <summary>True when the default typeface can draw the given text.</summary>
    internal static bool CanDrawText(SKFont font, string text)
    {
        if (font.Typeface is null || font.Typeface.GlyphCount == 0) return false;
        ushort[] glyphs = font.GetGlyphs(text);
        return glyphs.Length > 0 && glyphs.All(g => g != 0) && font.MeasureText(text) > 0;
    }
}
