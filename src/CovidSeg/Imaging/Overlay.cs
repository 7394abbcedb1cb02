using CovidSeg.Labels;

namespace CovidSeg.Imaging;

/// <summary>
/// Draws a label mask over its grey slice in the colours of the label set: each painted pixel becomes
/// (1 - alpha) x grey + alpha x class colour; background stays grey. With <see cref="OverlayStyle.Outline"/> only the
/// edge of each region is painted. <see cref="Picture"/> adds the legend in a strip to the right, never on the image.
/// </summary>
public static class Overlay
{
    /// <summary>Row-major RGB bytes (width x height x 3) of the blended image, without a legend.</summary>
    public static byte[] Render(GreyImage image, LabelMask mask, LabelSet labels, OverlayOptions? options = null)
    {
        options ??= new OverlayOptions();
        if (image.Width != mask.Width || image.Height != mask.Height)
            throw new ArgumentException($"image is {image.Width}x{image.Height} but mask is {mask.Width}x{mask.Height}");
        if (options.Alpha is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(options), $"alpha must be in [0, 1], got {options.Alpha}");

        byte[] grey = GreyLevels.ToDisplay8(image, options.WindowLevel, options.WindowWidth);
        var rgb = new byte[grey.Length * 3];
        double a = options.Alpha;
        bool outline = options.Style == OverlayStyle.Outline;
        for (int i = 0; i < grey.Length; i++)
        {
            int label = mask.Labels[i];
            if (label >= labels.Count) throw new ArgumentException($"mask label {label} at pixel {i} is outside the label set (0..{labels.Count - 1})");
            if (label == 0 || (outline && !OnEdge(mask, i)))
            {
                rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = grey[i];
                continue;
            }
            var c = labels.Classes[label];
            rgb[3 * i] = Blend(grey[i], c.R, a);
            rgb[3 * i + 1] = Blend(grey[i], c.G, a);
            rgb[3 * i + 2] = Blend(grey[i], c.B, a);
        }
        return rgb;
    }

    /// <summary>The blended image with the legend strip to its right (<see cref="OverlayLegend"/>).</summary>
    public static RgbPicture Picture(GreyImage image, LabelMask mask, LabelSet labels, OverlayOptions? options = null) =>
        OverlayLegend.AppendStrip(new RgbPicture(image.Width, image.Height, Render(image, mask, labels, options)), labels);

    /// <summary>Paints the edge of each region of <paramref name="mask"/> in its full class colour onto <paramref name="rgb"/>
    /// (an image of the mask's size): a second label map, e.g. the truth, drawn over a rendered prediction.</summary>
    public static void DrawOutlines(byte[] rgb, LabelMask mask, LabelSet labels)
    {
        if (rgb.Length != mask.Labels.Length * 3) throw new ArgumentException($"image has {rgb.Length / 3} pixels but mask is {mask.Width}x{mask.Height}");
        for (int i = 0; i < mask.Labels.Length; i++)
        {
            int label = mask.Labels[i];
            if (label == 0 || !OnEdge(mask, i)) continue;
            if (label >= labels.Count) throw new ArgumentException($"mask label {label} at pixel {i} is outside the label set (0..{labels.Count - 1})");
            var c = labels.Classes[label];
            (rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]) = (c.R, c.G, c.B);
        }
    }

    /// <summary>A pixel with a 4-neighbour of another label; neighbours outside the image do not count, so a region
    /// cut by the image border is not outlined along it.</summary>
    private static bool OnEdge(LabelMask mask, int i)
    {
        int w = mask.Width, x = i % w, y = i / w;
        byte l = mask.Labels[i];
        return (x > 0 && mask.Labels[i - 1] != l) || (x < w - 1 && mask.Labels[i + 1] != l)
            || (y > 0 && mask.Labels[i - w] != l) || (y < mask.Height - 1 && mask.Labels[i + w] != l);
    }

    private static byte Blend(byte grey, byte colour, double alpha) =>
        (byte)Math.Round((1 - alpha) * grey + alpha * colour, MidpointRounding.AwayFromZero);
}
