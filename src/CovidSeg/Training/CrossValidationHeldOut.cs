using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Evaluation;
using CovidSeg.Inference;
using CovidSeg.PostProcessing;
using CovidSeg.Runs;
using CovidSeg.Runtime;
using static TorchSharp.torch;

namespace CovidSeg.Training;

/// <summary>
/// What cv measures on the fold models once every fold of a network is trained: each fold model's class probabilities
/// on its own held-out slices, optionally averaged over test-time augmentation (<c>cv --tta</c>), scored as they are
/// (row network + <see cref="CrossValidationPlan.TtaSuffix"/>) and, with <c>cv --decision-offsets</c>, with decision
/// offsets chosen in the way nnU-Net chooses its post-processing from the cross-validation predictions:
/// <see cref="DecisionOffsetSearch.CrossFitted"/> scores each fold with offsets chosen on the other folds (row network
/// [+ tta suffix] + <see cref="CrossValidationPlan.OffsetsSuffix"/>), and the offsets chosen on all folds go to
/// OUT/AUG/ARCH/decision-offsets[-tta-NAME].json, for <c>predict [--tta NAME] --decision-offsets</c> with a model
/// trained on all the slices. Offsets chosen on augmented probabilities belong with the same augmentation in predict.
/// Files per fold: decision-offsets[-tta-NAME].json (chosen without that fold), metrics-decision-offsets[-tta-NAME].json
/// and metrics-tta-NAME.json.
/// </summary>
public static class CrossValidationHeldOut
{
    /// <summary>The per-fold metrics file of the offsets row with test-time augmentation <paramref name="tta"/>.</summary>
    public static string OffsetsMetricsFile(TestTimeAugmentation tta) => $"metrics-decision-offsets{FileSuffix(tta)}.json";

    /// <summary>The decision-offsets file chosen with test-time augmentation <paramref name="tta"/>.</summary>
    public static string OffsetsFile(TestTimeAugmentation tta) => $"decision-offsets{FileSuffix(tta)}.json";

    /// <summary>The per-fold metrics file of the test-time augmentation row.</summary>
    public static string TtaMetricsFile(TestTimeAugmentation tta) => $"metrics{FileSuffix(tta)}.json";

    private static string FileSuffix(TestTimeAugmentation tta) => tta.IsNone ? "" : "-tta-" + tta.Name;

    /// <summary>The held-out rows of one network, or none while any of its folds is unfinished.</summary>
    public static IReadOnlyList<FoldResult> Run(ISegmentationDataset data, CrossValidationPlan plan, KFoldSplit split, string outDir,
        AugmentationMode aug, string arch, ITrainingObserver observer)
    {
        var tta = plan.HeldOutTta;
        var folds = Enumerable.Range(0, plan.Folds).ToList();
        var dirs = folds.Select(f => CrossValidation.FoldDirectory(outDir, aug, arch, f)).ToList();
        if (dirs.Any(d => !File.Exists(Path.Combine(d, CrossValidation.MetricsFile)))) return [];
        string allFolds = Path.Combine(Path.GetDirectoryName(dirs[0])!, OffsetsFile(tta));
        var needed = new List<string>();
        if (!tta.IsNone) needed.AddRange(dirs.Select(d => Path.Combine(d, TtaMetricsFile(tta))));
        if (plan.ChooseDecisionOffsets) needed.AddRange(dirs.Select(d => Path.Combine(d, OffsetsMetricsFile(tta))).Append(allFolds));
        if (needed.Any(f => !File.Exists(f)))
        {
            string what = string.Join(" and ", new[] { tta.IsNone ? null : $"test-time augmentation ({tta.Description})", plan.ChooseDecisionOffsets ? "decision offsets" : null }.OfType<string>());
            observer.Message($"{aug.ToString().ToLowerInvariant()} / {arch}: {what} on the held-out predictions of {plan.Folds} folds");
            var images = new List<HeldOutProbabilities>();
            try
            {
                foreach (int fold in folds) images.AddRange(HeldOut(data, split, fold, dirs[fold], tta));
                var names = data.Labels.Classes.Select(c => c.Name).ToList();
                if (!tta.IsNone)
                    foreach (int fold in folds)
                        DecisionOffsetSearch.Score(images.Where(i => i.Fold == fold), DecisionOffsets.None(names)).Save(Path.Combine(dirs[fold], TtaMetricsFile(tta)));
                if (plan.ChooseDecisionOffsets)
                {
                    string? chosenWith = tta.IsNone ? null : tta.Name;
                    foreach (var (fold, offsets, report) in DecisionOffsetSearch.CrossFitted(images, names))
                    {
                        (offsets with { TestTimeAugmentation = chosenWith }).Save(Path.Combine(dirs[fold], OffsetsFile(tta)));
                        report.Save(Path.Combine(dirs[fold], OffsetsMetricsFile(tta)));
                    }
                    string chosenOn = $"the held-out images of all {plan.Folds} folds of {outDir}" + (tta.IsNone ? "" : $", test-time augmentation {tta.Name} (use predict --tta {tta.Name})");
                    var chosen = DecisionOffsetSearch.Choose(images, names, chosenOn) with { TestTimeAugmentation = chosenWith };
                    chosen.Save(allFolds);
                    observer.Message($"decision offsets from all folds: {chosen.Describe()} -> {allFolds}");
                }
            }
            finally
            {
                foreach (var image in images) image.Probabilities.Dispose();
            }
        }
        var rows = new List<FoldResult>();
        string ttaRow = arch + (tta.IsNone ? "" : CrossValidationPlan.TtaSuffix(tta));
        foreach (int f in folds)
        {
            double seconds = RunManifest.Load(dirs[f]).History.Sum(h => h.Seconds);
            if (!tta.IsNone) rows.Add(new FoldResult(ttaRow, aug, f, MetricsReport.Load(Path.Combine(dirs[f], TtaMetricsFile(tta))), seconds));
            if (plan.ChooseDecisionOffsets)
                rows.Add(new FoldResult(ttaRow + CrossValidationPlan.OffsetsSuffix, aug, f, MetricsReport.Load(Path.Combine(dirs[f], OffsetsMetricsFile(tta))), seconds));
        }
        return rows;
    }

    /// <summary>The fold model's class probabilities on its held-out slices, at each slice's size (what cv scores).</summary>
    private static IEnumerable<HeldOutProbabilities> HeldOut(ISegmentationDataset data, KFoldSplit split, int fold, string runDir, TestTimeAugmentation tta)
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
            var image = slices.Samples[i].Image.unsqueeze(0);
            // Without augmentation the logits are restored as the training's own scoring restores them, so the offsets
            // row starts from exactly the fold's own scores.
            var probabilities = tta.IsNone
                ? ScoreRestoration.RestoreProbabilities(model.forward(image)[0], original.Height, original.Width, ScoreKind.Logits)
                : ScoreRestoration.RestoreProbabilities(tta.Average(image, x => model.forward(x).softmax(1))[0], original.Height, original.Width, ScoreKind.Probabilities);
            result.Add(new HeldOutProbabilities(slices.Samples[i].Id, fold, probabilities.MoveToOuterDisposeScope(), original));
        }
        return result;
    }
}
