using CovidSeg.Data;
using CovidSeg.Evaluation;
using static TorchSharp.torch;
using CovidSeg.Labels;
using CovidSeg.PostProcessing;
using CovidSeg.Runtime;

namespace CovidSeg.Training;

/// <summary>Loss at the network's input size, and metrics at each slice's original size.</summary>
public sealed record ValidationResult(double Loss, MetricsReport Report);

/// <summary>
/// Scores a network on prepared slices: cross-entropy at the network's input size, and the label maps brought back to
/// each slice's original size (through <see cref="ScoreRestoration"/>, as <c>predict</c> does) compared with the
/// original masks. Leaves the network in evaluation mode.
/// </summary>
public static class Validation
{
    public static ValidationResult Run(nn.Module<Tensor, Tensor> model, PreparedSlices slices, LabelSet labels)
    {
        if (slices.Count == 0) throw new ArgumentException("no slices to validate on");
        model.eval();
        var metrics = new MetricsAccumulator(labels);
        double lossSum = 0;
        using (no_grad())
        {
            for (int i = 0; i < slices.Count; i++)
            {
                using var pause = CollectionPause.Enter();
                using var scope = NewDisposeScope();
                var sample = slices.Samples[i];
                var logits = model.forward(sample.Image.unsqueeze(0));
                lossSum += nn.functional.cross_entropy(logits, sample.Mask.unsqueeze(0)).item<float>();
                var original = slices.Originals[i];
                metrics.Add(sample.Id, original, ScoreRestoration.LogitsToLabels(logits[0], original.Width, original.Height));
            }
        }
        return new ValidationResult(lossSum / slices.Count, metrics.ToReport());
    }
}
