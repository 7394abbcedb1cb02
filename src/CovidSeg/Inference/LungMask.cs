using CovidSeg.Imaging;

namespace CovidSeg.Inference;

/// <summary>A lung mask (1 = lung, 0 = elsewhere) and how it was obtained, in words for the report.</summary>
public sealed record LungMaskResult(LabelMask Mask, string Method);

/// <summary>
/// Classical lung segmentation of one axial slice, the usual first step of CT lung analysis (e.g. Hu, Hoffman,
/// Reinhardt 2001, "Automatic lung segmentation for accurate quantitation of volumetric X-ray CT images"):
/// <list type="number">
/// <item>air-density pixels: below <see cref="AirThresholdHu"/> for Hounsfield input; for 8-bit display images
/// (already windowed, no HU) below an Otsu threshold of the grey levels, which splits dark air and lung from bright
/// tissue;</item>
/// <item>air outside the body removed: outside the convex hull of the largest non-air region (the body, after an
/// opening that detaches the table), then any air still connected to the image border; the hull keeps a lung that reaches the skin line
/// on a coarse slice;</item>
/// <item>the largest region kept, and the second largest when it has at least <see cref="SecondLungShare"/> of the
/// largest's pixels (two lungs, or one where they touch; trachea and bowel gas are much smaller);</item>
/// <item>holes filled, then a closing with a disk of <see cref="ClosingRadiusMm"/> and holes filled again, so vessels,
/// dense lesions and lesions on the lung wall join the lung.</item>
/// </list>
/// A slice cropped to the chest (most of its border tissue, see <see cref="IsCroppedToChest"/>) has no outside air, so
/// steps 2's removals are skipped there and lungs that reach the image edge are kept.
/// </summary>
public static class LungMask
{
    /// <summary>Air and lung are below this; soft tissue, vessels and fluid above (lung parenchyma is about -850 HU).</summary>
    public const double AirThresholdHu = -320;
    public const double SecondLungShare = 0.15;
    /// <summary>Closing radius in mm; wide enough to bridge vessels and wall-based consolidation.</summary>
    public const double ClosingRadiusMm = 5;
    /// <summary>Opening radius in mm applied to the non-air pixels before taking the body, to cut off the table.</summary>
    public const double TableOpeningMm = 3;
    /// <summary>Closing radius as a share of the smaller image side when the pixel size is unknown.</summary>
    public const double ClosingRadiusShare = 0.015;

    public const string HounsfieldMethod =
        "classical: air density below -320 HU, air outside the body (convex hull) removed, two largest regions kept, holes filled, closed with a 5 mm disk";
    public const string DisplayMethod =
        "estimated from display grey levels: dark pixels below an Otsu threshold, air outside the body (convex hull) removed, two largest regions kept, holes filled, closed";

    /// <summary>The lung mask of one slice in Hounsfield units.</summary>
    public static LungMaskResult FromHounsfield(GreyImage slice)
    {
        if (slice.Scale != IntensityScale.Hounsfield) throw new ArgumentException($"expected a Hounsfield slice, got {slice.Scale}", nameof(slice));
        var air = new byte[slice.Pixels.Length];
        for (int i = 0; i < air.Length; i++) air[i] = slice.Pixels[i] < AirThresholdHu ? (byte)1 : (byte)0;
        return new LungMaskResult(Refine(air, slice), HounsfieldMethod);
    }

    /// <summary>An estimate for display images (8- or 16-bit grey levels), see the class summary.</summary>
    public static LungMaskResult FromDisplay(GreyImage slice)
    {
        if (slice.Scale == IntensityScale.Hounsfield) return FromHounsfield(slice);
        byte[] levels = GreyLevels.ToDisplay8(slice);
        int threshold = OtsuThreshold(levels);
        var dark = new byte[levels.Length];
        for (int i = 0; i < dark.Length; i++) dark[i] = levels[i] < threshold ? (byte)1 : (byte)0;
        return new LungMaskResult(Refine(dark, slice), $"{DisplayMethod} (threshold {threshold}/255)");
    }

    /// <summary>The right method for the slice's intensity scale.</summary>
    public static LungMaskResult For(GreyImage slice) =>
        slice.Scale == IntensityScale.Hounsfield ? FromHounsfield(slice) : FromDisplay(slice);

    /// <summary>
    /// Otsu's threshold (Otsu 1979) of 8-bit levels: the level t maximising the between-class variance of
    /// {level &lt; t} and {level &gt;= t}; the lowest such t on ties.
    /// </summary>
    public static int OtsuThreshold(ReadOnlySpan<byte> levels)
    {
        var histogram = new long[256];
        foreach (byte b in levels) histogram[b]++;
        long total = levels.Length;
        double sumAll = 0;
        for (int i = 0; i < 256; i++) sumAll += (double)i * histogram[i];
        long below = 0;
        double sumBelow = 0, best = -1;
        int bestT = 128;
        for (int t = 1; t < 256; t++)
        {
            below += histogram[t - 1];
            sumBelow += (double)(t - 1) * histogram[t - 1];
            long above = total - below;
            if (below == 0 || above == 0) continue;
            double meanBelow = sumBelow / below, meanAbove = (sumAll - sumBelow) / above;
            double between = (double)below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best)
            {
                best = between;
                bestT = t;
            }
        }
        return bestT;
    }

    /// <summary>Closing radius in pixels: 5 mm when the pixel size is known, else a share of the image.</summary>
    public static int ClosingRadiusPixels(GreyImage slice) =>
        slice.SpacingMm is { } s
            ? Math.Max(1, (int)Math.Round(ClosingRadiusMm / Math.Min(s.X, s.Y)))
            : Math.Max(1, (int)Math.Round(ClosingRadiusShare * Math.Min(slice.Width, slice.Height)));

    /// <summary>Opening radius that detaches the table from the body: 3 mm, or a share of the image.</summary>
    public static int OpeningRadiusPixels(GreyImage slice) =>
        slice.SpacingMm is { } s
            ? Math.Max(1, (int)Math.Round(TableOpeningMm / Math.Min(s.X, s.Y)))
            : Math.Max(1, (int)Math.Round(0.01 * Math.Min(slice.Width, slice.Height)));

    /// <summary>Share of the image border that must be tissue for a slice to count as cropped to the chest.</summary>
    public const double CroppedBorderTissueShare = 0.5;

    /// <summary>
    /// Whether the slice shows no air around the body: most of its border is tissue (in a whole-body field of view the
    /// border is air, apart from the table), so air touching the border is lung, not outside air.
    /// </summary>
    public static bool IsCroppedToChest(byte[] air, int width, int height)
    {
        long tissue = 0, border = 0;
        void Count(int i)
        {
            border++;
            if (air[i] == 0) tissue++;
        }
        for (int x = 0; x < width; x++)
        {
            Count(x);
            if (height > 1) Count((height - 1) * width + x);
        }
        for (int y = 1; y < height - 1; y++)
        {
            Count(y * width);
            if (width > 1) Count(y * width + width - 1);
        }
        return tissue >= CroppedBorderTissueShare * border;
    }

    private static LabelMask Refine(byte[] candidates, GreyImage slice)
    {
        int w = slice.Width, h = slice.Height;
        // On a slice cropped to the chest the lungs reach the image edge and there is no outside air: removing air outside
        // the body's hull or touching the border would remove the lungs themselves.
        if (!IsCroppedToChest(candidates, w, h))
        {
            // Body: the largest non-air region once thin parts (the table) are cut off, as its convex hull.
            var tissue = new byte[candidates.Length];
            for (int i = 0; i < tissue.Length; i++) tissue[i] = candidates[i] == 0 ? (byte)1 : (byte)0;
            tissue = Morphology.Open(tissue, w, h, OpeningRadiusPixels(slice));
            BinaryRegions.KeepLargest(tissue, w, h, maxRegions: 1, minShareOfLargest: 0);
            var body = ConvexHullFill.Fill(tissue, w, h);
            for (int i = 0; i < candidates.Length; i++)
                if (body[i] == 0) candidates[i] = 0;
            BinaryRegions.RemoveBorderConnected(candidates, w, h);
        }
        BinaryRegions.KeepLargest(candidates, w, h, maxRegions: 2, SecondLungShare);
        BinaryRegions.FillHoles(candidates, w, h);
        var closed = Morphology.Close(candidates, w, h, ClosingRadiusPixels(slice));
        BinaryRegions.FillHoles(closed, w, h);
        return new LabelMask(w, h, closed);
    }
}
