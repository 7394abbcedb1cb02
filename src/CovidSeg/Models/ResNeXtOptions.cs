namespace CovidSeg.Models;

/// <summary>
/// Settings of the ResNeXt encoder stages (Xie et al. 2017), used by the networks whose
/// <see cref="Architecture.Encoder"/> is <see cref="EncoderKind.ResNeXt"/>.
/// </summary>
/// <param name="Cardinality">Groups of the 3 x 3 convolution (Xie et al. use 32 with much wider layers); must divide every bottleneck width.</param>
/// <param name="BottleneckRatio">Bottleneck width as a fraction of the block's output width (1/2, as in Xie et al.'s 32x4d stages).</param>
/// <param name="BlocksPerLevel">Blocks per encoder level: 2 keeps the two 3 x 3 convolutions of the plain U-Net level.</param>
public sealed record ResNeXtOptions(int Cardinality = 8, double BottleneckRatio = 0.5, int BlocksPerLevel = 2)
{
    /// <summary>Bottleneck width of a block whose output is <paramref name="width"/> channels wide.</summary>
    public long BottleneckWidth(long width) => (long)Math.Round(width * BottleneckRatio);

    /// <summary>The first setting that cannot build stages of the given output widths, or null.</summary>
    public string? Problem(IReadOnlyList<long> widths)
    {
        if (BlocksPerLevel < 1) return $"ResNeXt blocks per level must be at least 1, got {BlocksPerLevel}";
        if (Cardinality < 1) return $"cardinality must be at least 1, got {Cardinality}";
        if (BottleneckRatio <= 0) return $"bottleneck ratio must be positive, got {BottleneckRatio}";
        for (int level = 0; level < widths.Count; level++)
        {
            double exact = widths[level] * BottleneckRatio;
            long width = BottleneckWidth(widths[level]);
            if (width < 1 || Math.Abs(exact - width) >= 1e-9)
                return $"bottleneck ratio {BottleneckRatio} gives a non-integer bottleneck width {exact} at level {level} (width {widths[level]})";
            if (width % Cardinality != 0)
                return $"cardinality {Cardinality} must divide the bottleneck width {width} of level {level} (base width {widths[0]} x ratio {BottleneckRatio}); lower the cardinality or raise the width";
        }
        return null;
    }
}
