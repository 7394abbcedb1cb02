namespace CovidSeg.Imaging;

/// <summary>
/// Maps the grey levels of an image so that its histogram follows a reference one (classic histogram specification:
/// each 8-bit level goes to the reference level with the same cumulative share of pixels). Slices exported from
/// different scanners and viewers with different display windows then look alike to a network: the unlabelled
/// COVID-SemiSeg slices show the mediastinum mid-grey where the labelled ones show it nearly white, and a network
/// trained on the labelled ones calls it ground glass.
/// </summary>
public sealed class HistogramMatching
{
    private const int Levels = 256;
    private readonly double[] referenceCumulative;

    private HistogramMatching(double[] referenceCumulative) => this.referenceCumulative = referenceCumulative;

    /// <summary>The reference: the pooled 8-bit display levels of <paramref name="images"/> (lung window for Hounsfield images).</summary>
    public static HistogramMatching ToImages(IEnumerable<GreyImage> images)
    {
        var counts = new long[Levels];
        foreach (var image in images)
            foreach (byte level in GreyLevels.ToDisplay8(image)) counts[level]++;
        if (counts.Sum() == 0) throw new ArgumentException("the reference images hold no pixels");
        return new HistogramMatching(Cumulative(counts));
    }

    /// <summary><paramref name="image"/> as an 8-bit display image whose histogram follows the reference.</summary>
    public GreyImage Apply(GreyImage image)
    {
        var levels = GreyLevels.ToDisplay8(image);
        var counts = new long[Levels];
        foreach (byte level in levels) counts[level]++;
        var cumulative = Cumulative(counts);
        var map = new float[Levels];
        int target = 0;
        for (int level = 0; level < Levels; level++)
        {
            // The first reference level whose cumulative share reaches this level's (both are non-decreasing).
            while (target < Levels - 1 && referenceCumulative[target] < cumulative[level] - 1e-12) target++;
            map[level] = target;
        }
        var pixels = new float[levels.Length];
        for (int i = 0; i < levels.Length; i++) pixels[i] = map[levels[i]];
        return new GreyImage(image.Width, image.Height, pixels, IntensityScale.Display8Bit, image.SpacingMm);
    }

    private static double[] Cumulative(long[] counts)
    {
        double total = counts.Sum(), running = 0;
        var cumulative = new double[counts.Length];
        for (int i = 0; i < counts.Length; i++)
        {
            running += counts[i];
            cumulative[i] = running / total;
        }
        return cumulative;
    }
}
