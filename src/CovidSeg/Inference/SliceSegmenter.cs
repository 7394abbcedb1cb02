using CovidSeg.Data;
using CovidSeg.Imaging;
using static TorchSharp.torch;

namespace CovidSeg.Inference;

/// <summary>
/// Segments prepared slices with a network and brings the result back to each slice's original size. Validation
/// during training and <c>covidseg predict</c> both go through here, so they report the same Dice.
/// </summary>
public static class SliceSegmenter
{
    /// <summary>Label mask at width x height from one slice's logits [C, S, S].</summary>
    public static LabelMask ToOriginalLabels(Tensor logits, int width, int height) =>
        Preprocessing.RestoreLabels(logits, height, width, ScoreKind.Logits);
}
