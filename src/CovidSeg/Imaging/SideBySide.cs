namespace CovidSeg.Imaging;

/// <summary>Two pictures in one row (e.g. prediction left, truth right), separated by a gap in the legend strip's colour.</summary>
public static class SideBySide
{
    public static RgbPicture Join(RgbPicture left, RgbPicture right, int gap = 8)
    {
        if (gap < 0) throw new ArgumentOutOfRangeException(nameof(gap), $"gap must not be negative, got {gap}");
        int width = left.Width + gap + right.Width, height = Math.Max(left.Height, right.Height);
        var rgb = new byte[width * height * 3];
        var (r, g, b) = OverlayLegend.Background;
        for (int i = 0; i < rgb.Length; i += 3) (rgb[i], rgb[i + 1], rgb[i + 2]) = (r, g, b);
        for (int y = 0; y < left.Height; y++)
            Buffer.BlockCopy(left.Rgb, 3 * y * left.Width, rgb, 3 * y * width, 3 * left.Width);
        for (int y = 0; y < right.Height; y++)
            Buffer.BlockCopy(right.Rgb, 3 * y * right.Width, rgb, 3 * (y * width + left.Width + gap), 3 * right.Width);
        return new RgbPicture(width, height, rgb);
    }
}
