using System.Runtime.InteropServices;
using CovidSeg.Data;
using SkiaSharp;

namespace CovidSeg.Imaging;

/// <summary>
/// Draws a label mask over its grey slice in the colours of the label set: each non-background pixel becomes
/// (1 - alpha) x grey + alpha x class colour; background stays grey. A small legend (swatch + class name per lesion
/// class) goes in the top-left corner; without a usable font it shows the swatches only.
/// </summary>
public static class Overlay
{
    /// <summary>Row-major RGB bytes (width x height x 3) of the blended image.</summary>
    public static byte[] Render(GreyImage image, LabelMask mask, LabelSet labels, OverlayOptions? options = null)
    {
        options ??= new OverlayOptions();
        if (image.Width != mask.Width || image.Height != mask.Height)
            throw new ArgumentException($"image is {image.Width}x{image.Height} but mask is {mask.Width}x{mask.Height}");
        if (options.Alpha is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(options), $"alpha must be in [0, 1], got {options.Alpha}");

        byte[] grey = GreyLevels.ToDisplay8(image, options.WindowLevel, options.WindowWidth);
        var rgb = new byte[grey.Length * 3];
        double a = options.Alpha;
        for (int i = 0; i < grey.Length; i++)
        {
            int label = mask.Labels[i];
            if (label >= labels.Count) throw new ArgumentException($"mask label {label} at pixel {i} is outside the label set (0..{labels.Count - 1})");
            if (label == 0)
            {
                rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = grey[i];
                continue;
            }
            var c = labels.Classes[label];
            rgb[3 * i] = Blend(grey[i], c.R, a);
            rgb[3 * i + 1] = Blend(grey[i], c.G, a);
            rgb[3 * i + 2] = Blend(grey[i], c.B, a);
        }
        if (options.Legend) DrawLegend(rgb, image.Width, image.Height, labels);
        return rgb;
    }

    private static byte Blend(byte grey, byte colour, double alpha) =>
        (byte)Math.Round((1 - alpha) * grey + alpha * colour, MidpointRounding.AwayFromZero);

    /// <summary>True when the default typeface can draw the given text (containers often ship no fonts).</summary>
    internal static bool CanDrawText(SKFont font, string text)
    {
        if (font.Typeface is null || font.Typeface.GlyphCount == 0) return false;
        ushort[] glyphs = font.GetGlyphs(text);
        return glyphs.Length > 0 && glyphs.All(g => g != 0) && font.MeasureText(text) > 0;
    }

    private static void DrawLegend(byte[] rgb, int width, int height, LabelSet labels)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        var rgba = ImageFile.ToOpaqueRgba(rgb);
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);

        float swatch = Math.Clamp(Math.Min(width, height) / 24f, 8f, 14f);
        float gap = swatch / 3f;
        using var font = new SKFont(SKTypeface.Default, swatch);
        var lesions = labels.Lesions.ToList();
        bool withText = lesions.All(c => CanDrawText(font, c.Name));
        float textWidth = withText ? lesions.Max(c => font.MeasureText(c.Name)) + gap : 0;
        float boxWidth = gap + swatch + gap + textWidth;
        float boxHeight = gap + lesions.Count * (swatch + gap);

        using (var canvas = new SKCanvas(bitmap))
        {
            using var back = new SKPaint { Color = new SKColor(0, 0, 0, 160), IsAntialias = false };
            canvas.DrawRect(new SKRect(0, 0, boxWidth, boxHeight), back);
            using var fill = new SKPaint { IsAntialias = false };
            using var text = new SKPaint { Color = SKColors.White, IsAntialias = true };
            for (int k = 0; k < lesions.Count; k++)
            {
                var c = lesions[k];
                float top = gap + k * (swatch + gap);
                fill.Color = new SKColor(c.R, c.G, c.B);
                canvas.DrawRect(new SKRect(gap, top, gap + swatch, top + swatch), fill);
                if (withText)
                    canvas.DrawText(c.Name, gap + swatch + gap, top + swatch * 0.85f, SKTextAlign.Left, font, text);
            }
        }

        Marshal.Copy(bitmap.GetPixels(), rgba, 0, rgba.Length);
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgb[i] = rgba[j];
            rgb[i + 1] = rgba[j + 1];
            rgb[i + 2] = rgba[j + 2];
        }
    }
}
