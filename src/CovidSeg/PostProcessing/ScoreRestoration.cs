using CovidSeg.Data;
using CovidSeg.Imaging;
using static TorchSharp.torch;

namespace CovidSeg.PostProcessing;

/// <summary>
/// Brings a network's per-class map back to a slice's original size and turns it into labels. Validation during
/// training and <c>covidseg predict</c> both go through here, so they report the same Dice.
/// </summary>
public static class ScoreRestoration
{
    /// <summary>
    /// Per-class probabilities float32 [C, height, width] from a network map [C, S, S] or [1, C, S, S]: softmax over
    /// classes for logits, then bilinear resize of the probabilities (align_corners = false).
    /// </summary>
    public static Tensor RestoreProbabilities(Tensor scores, int height, int width, ScoreKind kind)
    {
        if (height < 1 || width < 1) throw new ArgumentException($"target size must be positive, got {width}x{height}");
        using var scope = NewDisposeScope();
        var map = scores.dim() == 4 && scores.shape[0] == 1 ? scores.squeeze(0) : scores;
        if (map.dim() != 3) throw new ArgumentException($"expected a [C, H, W] or [1, C, H, W] score map, got shape [{string.Join(", ", scores.shape)}]");
        map = map.to(float32);
        var probabilities = kind == ScoreKind.Logits ? map.softmax(dim: 0) : map;
        return Resampling.Bilinear(probabilities, height, width).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The label map at the original size: argmax over classes of <see cref="RestoreProbabilities"/>, weighted by
    /// <paramref name="offsets"/> when given.
    /// </summary>
    public static LabelMask RestoreLabels(Tensor scores, int height, int width, ScoreKind kind, DecisionOffsets? offsets = null)
    {
        using var scope = NewDisposeScope();
        return Labels(RestoreProbabilities(scores, height, width, kind), offsets);
    }

    /// <summary>The label map of probabilities [C, H, W] already at the original size, weighted by <paramref name="offsets"/> when given.</summary>
    public static LabelMask Labels(Tensor probabilities, DecisionOffsets? offsets = null)
    {
        using var scope = NewDisposeScope();
        var weighed = offsets is null || offsets.IsNone ? probabilities : offsets.Weigh(probabilities);
        var labels = ClassArgmax.Labels(weighed).contiguous();
        return new LabelMask((int)probabilities.shape[2], (int)probabilities.shape[1], labels.bytes.ToArray());
    }

    /// <summary>Label mask at width x height from one slice's logits [C, S, S].</summary>
    public static LabelMask LogitsToLabels(Tensor logits, int width, int height, DecisionOffsets? offsets = null) =>
        RestoreLabels(logits, height, width, ScoreKind.Logits, offsets);
}
