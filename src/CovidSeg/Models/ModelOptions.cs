using System.Text.Json.Serialization;

namespace CovidSeg.Models;

/// <summary>
/// Everything that fixes a network's shape, saved with each checkpoint (System.Text.Json) so the same network can be
/// rebuilt to load the weights. Defaults and their reasons are in docs/model.md; the architectures are those compared
/// by Chen, Yao, Zhang 2020 ("Residual Attention U-Net", Table II).
/// </summary>
public sealed record ModelOptions
{
    /// <summary>One of <see cref="ModelFactory.Names"/>; default the paper's full model M.</summary>
    public string Arch { get; init; } = ModelFactory.ResidualAttentionUNet;

    /// <summary>Image channels: 1 for grey CT slices.</summary>
    public int InChannels { get; init; } = 1;

    /// <summary>Output classes including background: 3 for COVID-SemiSeg (GGO, consolidation), 4 for MedSeg.</summary>
    public int Classes { get; init; } = 3;

    /// <summary>
    /// Filters of the first encoder level; each deeper level doubles them. 16 (not Ronneberger's 64) so a 369 x 369
    /// training step fits a 2-core CPU budget: cost grows with the square of the width.
    /// </summary>
    public int BaseWidth { get; init; } = 16;

    /// <summary>Down-sampling steps (the paper's four encoder blocks); inputs are padded to a multiple of 2^Depth.</summary>
    public int Depth { get; init; } = 4;

    /// <summary>
    /// Normalisation after each convolution. The paper is silent; modern U-Nets (nnU-Net, MONAI) normalise, and batch
    /// normalisation is the common default. With batches of 1-2 slices its statistics get noisy: group norm is then
    /// the alternative.
    /// </summary>
    public NormKind Norm { get; init; } = NormKind.Batch;

    /// <summary>ResNeXt groups of the 3 x 3 convolution (Xie et al. use 32 with much wider layers); must divide every bottleneck width.</summary>
    public int Cardinality { get; init; } = 8;

    /// <summary>Bottleneck width of a ResNeXt block as a fraction of its output width (1/2, as in Xie et al.'s 32x4d stages).</summary>
    public double BottleneckRatio { get; init; } = 0.5;

    /// <summary>ResNeXt blocks per encoder level: 2 keeps the two 3 x 3 convolutions of the plain U-Net level.</summary>
    public int ResNeXtBlocksPerLevel { get; init; } = 2;

    /// <summary>
    /// Decoder blocks that get LSH attention, 0 being the deepest (lowest resolution). Default the two deepest: at
    /// full resolution a 369 x 369 slice has 147k positions (384 x 384 padded) and attention there costs more than
    /// the rest of the network (docs/model.md has the numbers).
    /// </summary>
    public IReadOnlyList<int> AttentionLevels { get; init; } = [0, 1];

    /// <summary>Settings of each attention layer (the seed is offset by the level so levels hash differently).</summary>
    public LshAttentionOptions Attention { get; init; } = new();

    /// <summary>The multiple every input side is padded to: 2^Depth.</summary>
    [JsonIgnore] public int SizeMultiple => 1 << Depth;

    /// <summary>Output width of encoder level <paramref name="level"/> (the bridge is level Depth).</summary>
    public long WidthAt(int level) => (long)BaseWidth << level;

    /// <summary>Bottleneck width of ResNeXt blocks at encoder level <paramref name="level"/>.</summary>
    public long BottleneckWidthAt(int level) => (long)Math.Round(WidthAt(level) * BottleneckRatio);

    public bool Equals(ModelOptions? other) =>
        other is not null && Arch == other.Arch && InChannels == other.InChannels && Classes == other.Classes &&
        BaseWidth == other.BaseWidth && Depth == other.Depth && Norm == other.Norm && Cardinality == other.Cardinality &&
        BottleneckRatio.Equals(other.BottleneckRatio) && ResNeXtBlocksPerLevel == other.ResNeXtBlocksPerLevel &&
        AttentionLevels.SequenceEqual(other.AttentionLevels) && Attention == other.Attention;

    public override int GetHashCode() =>
        HashCode.Combine(Arch, Classes, BaseWidth, Depth, Norm, Cardinality, string.Join(",", AttentionLevels), Attention);
}
