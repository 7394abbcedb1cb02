using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Evaluation;
using CovidSeg.PostProcessing;
using CovidSeg.Runs;
using CovidSeg.Runtime;
using static TorchSharp.torch;

namespace CovidSeg.Training;

/// <summary>
/// Decision offsets for a cross-validated network (<c>cv --decision-offsets</c>), once every fold is trained, in the way
/// nnU-Net chooses its post-processing from the cross-validation predictions. Every fold's model gives class
/// probabilities on its own held-out slices; <see cref="DecisionOffsetSearch.CrossFitted"/> scores each fold with
/// offsets chosen on the other folds (reported as the network + <see cref="CrossValidationPlan.OffsetsSuffix"/>), and
/// the offsets chosen on all folds go to OUT/AUG/ARCH/decision-offsets.json, for <c>predict --decision-offsets</c> with
/// a model trained on all the slices.
/// Files: fold-K/decision-offsets.json (chosen without fold K) and fold-K/metrics-decision-offsets.json.
/// </summary>
public static class CrossValidationOffsets
{
    public const string FoldMetricsFile = "metrics-decision-offsets.json";

    /// <summary>The cross-fitted rows of one network, or none while any of its folds is unfinished.</summary>
    public static IReadOnlyList<FoldResult> Run(ISegmentationDataset data, CrossValidationPlan plan, KFoldSplit split, string outDir,
        AugmentationMode aug, string arch, ITrainingObserver observer)
    {
        var folds = Enumerable.Range(0, plan.Folds).ToList();
        var dirs = folds.Select(f => CrossValidation.FoldDirectory(outDir, aug, arch, f)).ToList();
        if (dirs.Any(d => !File.Exists(Path.Combine(d, CrossValidation.MetricsFile)))) return [];
        string row = arch + CrossValidationPlan.OffsetsSuffix;
        string allFolds = Path.Combine(Path.GetDirectoryName(dirs[0])!, DecisionOffsets.FileName);
        if (!File.Exists(allFolds) || dirs.Any(d => !File.Exists(Path.Combine(d, FoldMetricsFile))))
        {
            observer.Message($"{aug.ToString().ToLowerInvariant()} / {arch}: choosing decision offsets on the held-out predictions of {plan.Folds} folds");
            var images = new List<HeldOutProbabilities>();
            try
            {
                foreach (int fold in folds) images.AddRange(HeldOut(data, split, fold, dirs[fold]));
                var names = data.Labels.Classes.Select(c => c.Name).ToList();
                foreach (var (fold, offsets, report) in DecisionOffsetSearch.CrossFitted(images, names))
                {
                    offsets.Save(Path.Combine(dirs[fold], DecisionOffsets.FileName));
                    report.Save(Path.Combine(dirs[fold], FoldMetricsFile));
                }
                var chosen = DecisionOffsetSearch.Choose(images, names, $"the held-out images of all {plan.Folds} folds of {outDir}");
                chosen.Save(allFolds);
                observer.Message($"decision offsets from all folds: {chosen.Describe()} -> {allFolds}");
            }
            finally
            {
                foreach (var image in images) image.Probabilities.Dispose();
            }
        }
        return folds.Select(f => new FoldResult(row, aug, f, MetricsReport.Load(Path.Combine(dirs[f], FoldMetricsFile)),
            RunManifest.Load(dirs[f]).History.Sum(h => h.Seconds))).ToList();
    }

    /// <summary>The fold model's class probabilities on its held-out slices, at each slice's size (what cv scores).</summary>
    private static IEnumerable<HeldOutProbabilities> HeldOut(ISegmentationDataset data, KFoldSplit split, int fold, string runDir)
    {
        var manifest = RunManifest.Load(runDir);
        var (_, heldOut) = split.Fold(fold).IndicesIn(data);
        using var model = CrossValidation.FoldModel(manifest, runDir);
        model.eval();
        using var slices = PreparedSlices.Load(data, heldOut, manifest.Preprocessing, fingerprint: null);
        var result = new List<HeldOutProbabilities>();
        using var noGrad = no_grad();
        for (int i = 0; i < slices.Count; i++)
        {
            using var pause = CollectionPause.Enter();
            using var scope = NewDisposeScope();
            var original = slices.Originals[i];
            var logits = model.forward(slices.Samples[i].Image.unsqueeze(0));
            var probabilities = ScoreRestoration.RestoreProbabilities(logits[0], original.Height, original.Width, ScoreKind.Logits);
            result.Add(new HeldOutProbabilities(slices.Samples[i].Id, fold, probabilities.MoveToOuterDisposeScope(), original));
        }
        return result;
    }
}
