using System.Text.Json.Serialization;

namespace CovidSeg.Models;

/// <summary>
/// Everything that fixes a network's shape, saved with each checkpoint (System.Text.Json) so the same network can be
/// rebuilt to load the weights. Defaults and their reasons are in docs/model.md; the architectures are those compared
/// by Chen, Yao, Zhang 2020 ("Residual Attention U-Net", Table II).
/// </summary>
public sealed record ModelOptions
{
    /// <summary>
    /// One of <see cref="Architectures.Names"/>; default the paper's full model M. An alias (an older name) is
    /// replaced by its current name, so runs recorded before a rename load as the same network.
    /// </summary>
    public string Arch { get; init => field = Architectures.Canonical(value); } = Architectures.ResidualAttentionUNetName;

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

    /// <summary>Settings of the ResNeXt encoder stages (read only by networks with a ResNeXt encoder).</summary>
    [JsonPropertyName("resnext")]
    public ResNeXtOptions ResNeXt { get; init; } = new();

    /// <summary>
    /// Decoder blocks that get LSH attention, 0 being the deepest (lowest resolution). Default the two deepest: at
    /// full resolution a 369 x 369 slice has 147k positions (384 x 384 padded) and attention there costs more than
    /// the rest of the network (docs/model.md has the numbers).
    /// </summary>
    public IReadOnlyList<int> AttentionLevels { get; init => field = new ValueList<int>(value); } = new ValueList<int>([0, 1]);

    /// <summary>Settings of each attention layer (the seed is offset by the level so levels hash differently).</summary>
    public LshAttentionOptions Attention { get; init; } = new();

    /// <summary>The multiple every input side is padded to: 2^Depth.</summary>
    [JsonIgnore] public int SizeMultiple => 1 << Depth;

    /// <summary>Output width of encoder level <paramref name="level"/> (the bridge is level Depth).</summary>
    public long WidthAt(int level) => (long)BaseWidth << level;

    /// <summary>Throws a <see cref="CovidSegException"/> naming the first option that cannot build a network.</summary>
    public void Validate()
    {
        var architecture = Architectures.Find(Arch);
        Require(InChannels >= 1, $"input channels must be at least 1, got {InChannels}");
        Require(Classes >= 1, $"classes must be at least 1, got {Classes}");
        Require(BaseWidth >= 2 && BaseWidth % 2 == 0, $"base width must be an even number of at least 2, got {BaseWidth}");
        Require(Depth is >= 1 and <= 8, $"depth must be between 1 and 8, got {Depth}");
        if (architecture.UsesResNeXt && ResNeXt.Problem(Enumerable.Range(0, Depth).Select(WidthAt).ToArray()) is { } problem)
            Require(false, problem);
        if (architecture.UsesAttention)
        {
            Require(AttentionLevels.Distinct().Count() == AttentionLevels.Count,
                $"attention levels must not repeat: {string.Join(",", AttentionLevels)}");
            foreach (int level in AttentionLevels)
            {
                Require(level >= 0 && level < Depth,
                    $"attention level {level} does not exist: decoder levels are 0 (deepest) to {Depth - 1}");
                Attention.Validate(checked((int)AttentionChannelsAt(level)));
            }
        }
    }

    /// <summary>Width of the joined map (skip + up-sampled) that decoder level <paramref name="level"/> attends over.</summary>
    public long AttentionChannelsAt(int level) => 2 * WidthAt(Depth - 1 - level);

    private static void Require(bool condition, string problem)
    {
        if (!condition) throw new CovidSegException($"model options: {problem}");
    }
}
