using CovidSeg.Data;
using CovidSeg.Imaging;
using CovidSeg.Inference;
using CovidSeg.PostProcessing;
using TorchSharp;
using static TorchSharp.torch;
using CovidSeg.Runtime;

namespace CovidSeg.Training.SemiSupervised;

/// <summary>
/// Labels unlabelled slices with a trained teacher: class probabilities averaged over the four mirror images
/// (<see cref="TestTimeAugmentation.Flips"/>), restored to the slice's own size, then thresholded per class (<see cref="ClassThresholds"/>).
/// </summary>
public static class PseudoLabeller
{
    private const int BatchSize = 4;

    /// <summary>
    /// Labels from probabilities [C, H, W]: the most probable class where its probability reaches that class's threshold
    /// (<paramref name="thresholds"/>[class]), <see cref="SegmentationLoss.IgnoredLabel"/> elsewhere.
    /// </summary>
    public static LabelMask Threshold(Tensor probabilities, IReadOnlyList<double> thresholds)
    {
        if (probabilities.dim() != 3) throw new ArgumentException($"expected class probabilities [C, H, W], got [{string.Join(", ", probabilities.shape)}]");
        var (classes, confidence) = MostProbable(probabilities);
        return Threshold(classes, confidence, thresholds, (int)probabilities.shape[2], (int)probabilities.shape[1]);
    }

    /// <summary>Each pixel's class kept where its confidence reaches that class's threshold.</summary>
    private static LabelMask Threshold(byte[] classes, float[] confidence, IReadOnlyList<double> thresholds, int width, int height)
    {
        // Compared in float32, the precision of the probabilities, so a threshold of 0.9 keeps a probability of 0.9f.
        var perClass = thresholds.Select(t => (float)t).ToArray();
        var labels = new byte[classes.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            byte c = classes[i];
            labels[i] = confidence[i] >= perClass[c] ? c : (byte)SegmentationLoss.IgnoredLabel;
        }
        return new LabelMask(width, height, labels);
    }

    /// <summary>The most probable class of each pixel of probabilities [C, H, W], and its probability, in row order.</summary>
    private static (byte[] Classes, float[] Confidence) MostProbable(Tensor probabilities)
    {
        using var pause = CollectionPause.Enter();
        using var scope = NewDisposeScope();
        var (best, bestClass) = probabilities.to(float32).max(0);
        return (bestClass.to(uint8).contiguous().data<byte>().ToArray(), best.contiguous().data<float>().ToArray());
    }

    /// <summary>The pseudo-label of <paramref name="prediction"/> under per-class <paramref name="thresholds"/>.</summary>
    public static PseudoLabel Label(TeacherPrediction prediction, IReadOnlyList<double> thresholds)
    {
        var mask = Threshold(prediction.Classes, prediction.Confidence, thresholds, prediction.Image.Width, prediction.Image.Height);
        long confident = mask.Labels.LongCount(l => l != SegmentationLoss.IgnoredLabel);
        long lesion = mask.Labels.LongCount(l => l != 0 && l != SegmentationLoss.IgnoredLabel);
        return new PseudoLabel(prediction.Id, prediction.Image, mask, (double)confident / mask.Labels.Length, (double)lesion / mask.Labels.Length);
    }

    /// <summary>What <paramref name="teacher"/> predicts for <paramref name="images"/> (id, image), in order.</summary>
    public static IEnumerable<TeacherPrediction> Predict(TrainedModel teacher, IEnumerable<(string Id, GreyImage Image)> images)
    {
        foreach (var batch in images.Chunk(BatchSize))
        {
            using var pause = CollectionPause.Enter();
            using var scope = NewDisposeScope();
            var input = stack(batch.Select(b => Preprocessing.ImageToTensor(b.Image, teacher.Preprocessing)));
            var probabilities = TestTimeAugmentation.Flips.Average(input, x => teacher.Logits(x).softmax(1));
            for (int i = 0; i < batch.Length; i++)
            {
                var (id, image) = batch[i];
                var (classes, confidence) = MostProbable(ScoreRestoration.RestoreProbabilities(probabilities[i], image.Height, image.Width, ScoreKind.Probabilities));
                yield return new TeacherPrediction(id, image, classes, confidence);
            }
        }
    }
}
