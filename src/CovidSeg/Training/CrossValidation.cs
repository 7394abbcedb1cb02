using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Evaluation;
using CovidSeg.Models;
using CovidSeg.Runs;
using CovidSeg.Training.SemiSupervised;

namespace CovidSeg.Training;

/// <summary>
/// Runs a <see cref="CrossValidationPlan"/> into OUT/: OUT/folds.json (the seeded split, reused on resume), and per
/// augmentation mode, network and fold a run folder OUT/AUG/ARCH/fold-K/ with its held-out metrics.json and .csv.
/// Interrupted runs resume fold by fold: a fold with metrics.json is done, a fold with run.json continues training.
/// <para>
/// The held-out fold is scored with the weights of the last epoch, not the best one: choosing the epoch on the fold
/// being reported would flatter every model.
/// </para>
/// </summary>
public static class CrossValidation
{
    public const string FoldsFile = "folds.json";
    public const string MetricsFile = "metrics.json";
    /// <summary>With weight averaging, the same fold scored with its last epoch's weights, for the comparison.</summary>
    public const string LastEpochMetricsFile = "metrics-last-epoch.json";

    /// <summary>
    /// OUT/AUG/ARCH/fold-N; a fold trained under an architecture's old name (attention-unet) is found there, so a
    /// cross-validation started before the rename resumes instead of training that fold again.
    /// </summary>
    public static string FoldDirectory(string outDir, AugmentationMode aug, string arch, int fold)
    {
        string[] names = Architectures.TryFind(arch) is { } known ? [known.Name, .. known.Aliases] : [arch];
        var folders = names.Select(name => Path.Combine(outDir, aug.ToString().ToLowerInvariant(), name, $"fold-{fold}")).ToList();
        return folders.FirstOrDefault(Directory.Exists) ?? folders[0];
    }

    /// <param name="foldFinished">Called with all results so far after each configuration of each fold (to refresh tables).</param>
    public static IReadOnlyList<FoldResult> Run(ISegmentationDataset data, CrossValidationPlan plan, string outDir, ITrainingObserver observer, CancellationToken cancel,
        Action<IReadOnlyList<FoldResult>>? foldFinished = null)
    {
        plan.Validate();
        Directory.CreateDirectory(outDir);
        var split = LoadOrCreateFolds(data, plan, outDir);
        var results = new List<FoldResult>();
        // Fold by fold, every configuration within a fold: an interrupted run leaves a fair comparison on fewer folds.
        for (int fold = 0; fold < plan.Folds; fold++)
        foreach (var aug in plan.Augmentations)
        foreach (var arch in plan.Archs)
        {
            cancel.ThrowIfCancellationRequested();
            string dir = FoldDirectory(outDir, aug, arch, fold);
            string metricsPath = Path.Combine(dir, MetricsFile);
            var (train, validation) = split.Fold(fold).IndicesIn(data);
            var request = new TrainingRequest(data, train, validation, plan.Model with { Arch = arch, Classes = data.Labels.Count },
                plan.Preprocessing, aug, plan.Training, dir, File.Exists(Path.Combine(dir, RunManifest.FileName)), ValidationPicksCheckpoint: false);
            if (File.Exists(metricsPath))
            {
                results.Add(new FoldResult(arch, aug, fold, MetricsReport.Load(metricsPath), TrainingSecondsOf(RunManifest.Load(dir))));
                results.AddRange(LastEpochResult(dir, arch, aug, fold, results[^1].TrainingSeconds));
            }
            else if (!plan.Trains(fold))
            {
                continue; // another process's fold, not finished yet
            }
            else
            {
                observer.Message($"{aug.ToString().ToLowerInvariant()} / {arch} / fold {fold + 1} of {plan.Folds}");
                results.Add(TrainFold(data, validation, request, dir, metricsPath, arch, aug, fold, observer, cancel));
                results.AddRange(LastEpochResult(dir, arch, aug, fold, results[^1].TrainingSeconds));
                foldFinished?.Invoke(results);
            }
            if (plan.SelfTraining is { } selfTraining && SelfTrainFold(data, plan, selfTraining, outDir, aug, arch, fold, request, observer, cancel) is { } student)
            {
                results.Add(student);
                foldFinished?.Invoke(results);
            }
        }
        if (plan.ChooseDecisionOffsets || !plan.HeldOutTta.IsNone)
            foreach (var aug in plan.Augmentations)
            foreach (var arch in plan.Archs)
            {
                var rows = CrossValidationHeldOut.Run(data, plan, split, outDir, aug, arch, observer);
                if (rows.Count == 0) continue;
                results.AddRange(rows);
                foldFinished?.Invoke(results);
            }
        return results;
    }

    /// <summary>
    /// Deletes the temporary files a killed run left in OUT: all of them, or with <see cref="CrossValidationPlan.FoldsToRun"/>
    /// only those in this process's folds, since another process may be writing its own folds beside it.
    /// </summary>
    public static int RemoveLeftovers(CrossValidationPlan plan, string outDir)
    {
        if (plan.FoldsToRun is null) return CovidSeg.IO.AtomicFile.RemoveLeftovers(outDir, recursive: true);
        int removed = 0;
        foreach (int fold in plan.FoldsToRun)
        foreach (var aug in plan.Augmentations)
        foreach (var arch in plan.ReportedArchs)
            removed += CovidSeg.IO.AtomicFile.RemoveLeftovers(FoldDirectory(outDir, aug, arch, fold), recursive: true);
        return removed;
    }

    private static FoldResult TrainFold(ISegmentationDataset data, IReadOnlyList<int> validation, TrainingRequest request, string dir, string metricsPath,
        string arch, AugmentationMode aug, int fold, ITrainingObserver observer, CancellationToken cancel)
    {
        var trained = Trainer.Run(request, observer, cancel);
        if (trained.Interrupted) throw new OperationCanceledException("cross-validation interrupted; run the same command again to resume");
        // Written before metrics.json, whose presence marks the fold done.
        if (trained.Manifest.AveragedCheckpoint is not null)
            ScoreHeldOut(data, validation, trained.Manifest, dir, trained.Manifest.LastCheckpoint).Save(Path.Combine(dir, LastEpochMetricsFile));
        var report = ScoreHeldOut(data, validation, trained.Manifest, dir);
        report.Save(metricsPath);
        report.SaveCsv(Path.Combine(dir, "metrics.csv"));
        return new FoldResult(arch, aug, fold, report, TrainingSecondsOf(trained.Manifest));
    }

    /// <summary>
    /// The fold's self-trained student: the fold's network (trained already, <paramref name="teacher"/>) labels
    /// unlabelled slices, a student trains on the fold's training slices plus those, and is scored on the held-out
    /// fold like every other network. Its training time includes the teacher's. Null when the fold belongs to another
    /// process (<see cref="CrossValidationPlan.FoldsToRun"/>) and its student is not finished.
    /// </summary>
    private static FoldResult? SelfTrainFold(ISegmentationDataset data, CrossValidationPlan plan, SelfTrainingPlan selfTraining, string outDir,
        AugmentationMode aug, string arch, int fold, TrainingRequest teacher, ITrainingObserver observer, CancellationToken cancel)
    {
        string studentArch = arch + CrossValidationPlan.SelfTrainedSuffix;
        string dir = FoldDirectory(outDir, aug, studentArch, fold);
        string metricsPath = Path.Combine(dir, MetricsFile);
        if (!File.Exists(metricsPath) && !plan.Trains(fold)) return null; // another process's student, not finished yet
        double teacherSeconds = TrainingSecondsOf(RunManifest.Load(teacher.RunDirectory));
        if (File.Exists(metricsPath))
            return new FoldResult(studentArch, aug, fold, MetricsReport.Load(metricsPath), teacherSeconds + TrainingSecondsOf(RunManifest.Load(dir)));
        observer.Message($"{aug.ToString().ToLowerInvariant()} / {studentArch} / fold {fold + 1} of {plan.Folds}");
        var trained = SelfTraining.Run(new SelfTrainingRequest(teacher, selfTraining.Unlabelled, selfTraining.Options, dir), observer, cancel);
        if (trained.Interrupted) throw new OperationCanceledException("cross-validation interrupted; run the same command again to resume");
        var report = ScoreHeldOut(data, teacher.ValidationIndices, trained.Manifest, dir);
        report.Save(metricsPath);
        report.SaveCsv(Path.Combine(dir, "metrics.csv"));
        return new FoldResult(studentArch, aug, fold, report, teacherSeconds + TrainingSecondsOf(trained.Manifest));
    }

    /// <summary>The fold's last-epoch scores as a row of their own, when the fold's model is a weight average.</summary>
    private static IEnumerable<FoldResult> LastEpochResult(string dir, string arch, AugmentationMode aug, int fold, double seconds)
    {
        string path = Path.Combine(dir, LastEpochMetricsFile);
        if (File.Exists(path)) yield return new FoldResult(arch + CrossValidationPlan.LastEpochSuffix, aug, fold, MetricsReport.Load(path), seconds);
    }

    /// <summary>A fold's network with its final weights (<see cref="RunManifest.FinalCheckpoint"/>), or those of <paramref name="checkpoint"/>.</summary>
    internal static SegmentationNetwork FoldModel(RunManifest manifest, string runDir, string? checkpoint = null)
    {
        var model = ModelFactory.Create(manifest.Model);
        CheckpointStore.LoadModel(runDir, checkpoint ?? manifest.FinalCheckpoint!, model);
        return model;
    }

    private static double TrainingSecondsOf(RunManifest manifest) => manifest.History.Sum(h => h.Seconds);

    private static KFoldSplit LoadOrCreateFolds(ISegmentationDataset data, CrossValidationPlan plan, string outDir)
    {
        string path = Path.Combine(outDir, FoldsFile);
        var ids = data.AllIds();
        if (File.Exists(path))
        {
            var saved = KFoldSplit.Load(path);
            if (saved.K != plan.Folds)
                throw new CovidSegException($"{path} holds {saved.K} folds but {plan.Folds} were asked; use another --out or the same --folds");
            if (!saved.Folds.SelectMany(f => f).OrderBy(x => x, StringComparer.Ordinal).SequenceEqual(ids.OrderBy(x => x, StringComparer.Ordinal)))
                throw new CovidSegException($"{path} was made for other data (its ids differ from {data.Source})");
            return saved;
        }
        var split = KFoldSplit.Create(ids, plan.Folds, unchecked((int)plan.Training.Seed));
        split.Save(path);
        return split;
    }

    /// <summary>Scores the held-out slices with the run's final weights (<see cref="RunManifest.FinalCheckpoint"/>) or the named checkpoint.</summary>
    private static MetricsReport ScoreHeldOut(ISegmentationDataset data, IReadOnlyList<int> heldOut, RunManifest manifest, string runDir, string? checkpoint = null)
    {
        using var model = FoldModel(manifest, runDir, checkpoint);
        using var slices = PreparedSlices.Load(data, heldOut, manifest.Preprocessing, fingerprint: null);
        return Validation.Run(model, slices, data.Labels).Report;
    }
}
