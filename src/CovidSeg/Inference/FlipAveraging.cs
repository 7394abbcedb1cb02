using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Inference;

/// <summary>
/// Test-time augmentation by mirroring, as nnU-Net does (Isensee et al. 2021): the class probabilities of the image
/// as it is, flipped left-right, flipped top-bottom and flipped both ways (each output flipped back onto the original
/// pixel grid) are averaged. Flips are exact pixel permutations, so nothing is interpolated.
/// </summary>
public static class FlipAveraging
{
    /// <summary>The flip axes of the four variants for images [N, C, H, W]: none, width, height, both.</summary>
    public static IReadOnlyList<long[]> Variants { get; } = [[], [3], [2], [2, 3]];

    /// <summary>
    /// Mean over <see cref="Variants"/> of <paramref name="probabilities"/>(flipped input), flipped back:
    /// [N, C, H, W] for images [N, 1, H, W].
    /// </summary>
    public static Tensor Average(Tensor images, Func<Tensor, Tensor> probabilities)
    {
        using var scope = NewDisposeScope();
        Tensor? sum = null;
        foreach (var axes in Variants)
        {
            using var step = NewDisposeScope();
            var input = axes.Length == 0 ? images : images.flip(axes);
            var output = probabilities(input);
            var restored = axes.Length == 0 ? output : output.flip(axes);
            sum = sum is null ? restored.MoveToOuterDisposeScope() : sum.add_(restored);
        }
        return sum!.div_(Variants.Count).MoveToOuterDisposeScope();
    }
}
