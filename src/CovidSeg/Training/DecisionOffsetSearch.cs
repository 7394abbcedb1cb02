using CovidSeg.Imaging;
using CovidSeg.Evaluation;
using CovidSeg.PostProcessing;
using CovidSeg.Runtime;
using static TorchSharp.torch;

namespace CovidSeg.Training;

/// <summary>One held-out image of a cross-validation: its fold, its class probabilities at its own size, its truth.</summary>
public sealed record HeldOutProbabilities(string Id, int Fold, Tensor Probabilities, LabelMask Truth);

/// <summary>
/// Finds the <see cref="DecisionOffsets"/> that maximise the mean lesion Dice (mean over images, the metric cv reports)
/// on a set of held-out images: each lesion class's offset in turn over <see cref="Candidates"/>, the others held,
/// twice round. Ties go to the offset nearest 0. <see cref="CrossFitted"/> scores every fold with offsets chosen on the
/// other folds only, so no image helps choose the offsets it is scored with.
/// </summary>
public static class DecisionOffsetSearch
{
    /// <summary>Offsets tried for each lesion class (natural-log units: 0.69 doubles a class's weight).</summary>
    public static IReadOnlyList<double> Candidates { get; } = [-1, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5];

    private const int Rounds = 2;

    /// <summary>The metrics of <paramref name="images"/> labelled with <paramref name="offsets"/>.</summary>
    public static MetricsReport Score(IEnumerable<HeldOutProbabilities> images, DecisionOffsets offsets)
    {
        var metrics = new MetricsAccumulator(offsets.ClassNames);
        foreach (var image in images)
        {
            using var pause = CollectionPause.Enter();
            metrics.Add(image.Id, image.Truth, ScoreRestoration.Labels(image.Probabilities, offsets));
        }
        return metrics.ToReport();
    }

    /// <summary>The offsets with the highest mean lesion Dice on <paramref name="images"/>.</summary>
    public static DecisionOffsets Choose(IReadOnlyList<HeldOutProbabilities> images, IReadOnlyList<string> classNames, string chosenBy)
    {
        if (images.Count == 0) throw new ArgumentException("no images to choose offsets on", nameof(images));
        var offsets = new double[classNames.Count];
        double Objective(double[] candidate) => Score(images, new DecisionOffsets(classNames, candidate)).MeanOverImages.LesionMean.Dice;
        double best = Objective(offsets);
        for (int round = 0; round < Rounds; round++)
        {
            bool moved = false;
            for (int c = 1; c < classNames.Count; c++)
            {
                foreach (double value in Candidates.OrderBy(Math.Abs).ThenBy(v => v))
                {
                    if (value == offsets[c]) continue;
                    var trial = (double[])offsets.Clone();
                    trial[c] = value;
                    double score = Objective(trial);
                    // Strictly better, or as good and nearer 0: the smallest change that does the job.
                    if (score > best || (score == best && Math.Abs(value) < Math.Abs(offsets[c])))
                    {
                        (best, offsets[c], moved) = (score, value, true);
                    }
                }
            }
            if (!moved) break;
        }
        return new DecisionOffsets(classNames, offsets, chosenBy);
    }

    /// <summary>For each fold: the offsets chosen on every other fold's images, and that fold's metrics with them.</summary>
    public static IReadOnlyList<(int Fold, DecisionOffsets Offsets, MetricsReport Report)> CrossFitted(IReadOnlyList<HeldOutProbabilities> images, IReadOnlyList<string> classNames)
    {
        var folds = images.Select(i => i.Fold).Distinct().Order().ToList();
        if (folds.Count < 2) throw new ArgumentException("cross-fitting needs images of at least 2 folds", nameof(images));
        return folds.Select(fold =>
        {
            var others = images.Where(i => i.Fold != fold).ToList();
            var offsets = Choose(others, classNames, $"the held-out images of the other {folds.Count - 1} folds (fold {fold + 1} not seen)");
            return (fold, offsets, Score(images.Where(i => i.Fold == fold), offsets));
        }).ToList();
    }
}
