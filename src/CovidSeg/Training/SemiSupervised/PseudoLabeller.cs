using CovidSeg.Data;
using CovidSeg.Imaging;
using CovidSeg.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Training.SemiSupervised;

/// <summary>
/// Labels unlabelled slices with a trained teacher: class probabilities averaged over the four mirror images
/// (<see cref="FlipAveraging"/>), restored to the slice's own size, then thresholded (<see cref="Threshold"/>).
/// </summary>
public static class PseudoLabeller
{
    private const int BatchSize = 4;

    /// <summary>
    /// Labels from probabilities [C, H, W]: the most probable class where its probability reaches
    /// <paramref name="threshold"/>, <see cref="SegmentationLoss.IgnoredLabel"/> elsewhere.
    /// </summary>
    public static LabelMask Threshold(Tensor probabilities, double threshold)
    {
        if (probabilities.dim() != 3) throw new ArgumentException($"expected class probabilities [C, H, W], got [{string.Join(", ", probabilities.shape)}]");
        using var scope = NewDisposeScope();
        var (best, bestClass) = probabilities.to(float32).max(0);
        var labels = bestClass.masked_fill(best.lt(threshold), SegmentationLoss.IgnoredLabel).to(uint8).contiguous();
        return new LabelMask((int)probabilities.shape[2], (int)probabilities.shape[1], labels.bytes.ToArray());
    }

    /// <summary>Labels <paramref name="images"/> (id, image) with <paramref name="teacher"/>, in order.</summary>
    public static IEnumerable<PseudoLabel> Label(TrainedModel teacher, IEnumerable<(string Id, GreyImage Image)> images, double threshold)
    {
        foreach (var batch in images.Chunk(BatchSize))
        {
            using var scope = NewDisposeScope();
            var input = stack(batch.Select(b => Preprocessing.ImageToTensor(b.Image, teacher.Preprocessing)));
            var probabilities = FlipAveraging.Average(input, x => teacher.Logits(x).softmax(1));
            for (int i = 0; i < batch.Length; i++)
            {
                var (id, image) = batch[i];
                var restored = Preprocessing.RestoreProbabilities(probabilities[i], image.Height, image.Width, ScoreKind.Probabilities);
                var mask = Threshold(restored, threshold);
                long confident = mask.Labels.LongCount(l => l != SegmentationLoss.IgnoredLabel);
                long lesion = mask.Labels.LongCount(l => l != 0 && l != SegmentationLoss.IgnoredLabel);
                yield return new PseudoLabel(id, image, mask, (double)confident / mask.Labels.Length, (double)lesion / mask.Labels.Length);
            }
        }
    }
}
