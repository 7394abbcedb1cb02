using static TorchSharp.torch;

namespace CovidSeg.Data.Augmentation;

/// <summary>
/// The paper's offline expansion (Chen, Yao, Zhang 2020, §III-A: "+300" rotated and "+200" scaled samples for
/// 100 slices): every training slice, its rotations by 90, 180 and 270 degrees, and its scalings by 0.5 (zero-padded
/// back to the side) and 1.5 (centre-cropped back), image and mask alike: six samples per slice.
/// </summary>
public static class PaperAugmentation
{
    /// <summary>Suffixes of the six variants, in the order <see cref="Variant"/> numbers them.</summary>
    public static IReadOnlyList<string> VariantNames { get; } = ["original", "rot90", "rot180", "rot270", "scale0.5", "scale1.5"];

    public static int VariantCount => VariantNames.Count;

    /// <summary>Variant <paramref name="variant"/> (0..5) of a prepared sample, as new tensors; id "stem#rot90" etc.</summary>
    public static PreparedSample Variant(PreparedSample sample, int variant)
    {
        using var scope = NewDisposeScope();
        var (image, mask) = variant switch
        {
            0 => (sample.Image.clone(), sample.Mask.clone()),
            1 or 2 or 3 => SliceTransforms.Rotate(sample.Image, sample.Mask, variant),
            4 => SliceTransforms.Scale(sample.Image, sample.Mask, 0.5),
            5 => SliceTransforms.Scale(sample.Image, sample.Mask, 1.5),
            _ => throw new ArgumentOutOfRangeException(nameof(variant), $"paper augmentation has variants 0..{VariantCount - 1}, got {variant}"),
        };
        string id = variant == 0 ? sample.Id : $"{sample.Id}#{VariantNames[variant]}";
        return new PreparedSample(id, image.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }

    /// <summary>All six variants of a sample.</summary>
    public static List<PreparedSample> Expand(PreparedSample sample) =>
        Enumerable.Range(0, VariantCount).Select(v => Variant(sample, v)).ToList();
}
