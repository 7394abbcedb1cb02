using CovidSeg;
using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Phantom;
using CovidSeg.Models;
using CovidSeg.Training;
using CovidSeg.Runs;

namespace CovidSeg.Tests.Training;

public class CrossValidationTests
{
    private static (PhantomDataset Data, CrossValidationPlan Plan) Tiny(int folds = 2) =>
        (new PhantomDataset(6, seed: 2, new PhantomOptions { Size = 32, GroundGlassProbability = 1 }),
         new CrossValidationPlan(folds, [Architectures.ResidualAttentionUNetName, Architectures.UNetName], [AugmentationMode.Paper, AugmentationMode.None],
             new ModelOptions { BaseWidth = 8, Depth = 2, ResNeXt = new ResNeXtOptions(Cardinality: 4), AttentionLevels = [0] },
             new PreprocessingOptions(Side: 32),
             new TrainingOptions { Epochs = 1, BatchSize = 4, Seed = 3 }));

    private sealed class CountingObserver : ITrainingObserver
    {
        public int Epochs;
        public void EpochStarted(int epoch, int epochs, int steps) { }
        public void StepFinished(int epoch, int step, int steps, double loss, double imagesPerSecond) { }
        public void EpochFinished(EpochRecord record, bool isBest) => Epochs++;
        public void Message(string text) { }
    }

    [Fact]
    public void EveryConfigurationIsScoredOnTheSameHeldOutFoldsAndARerunTrainsNothing()
    {
        using var folder = new TempFolder();
        var (data, plan) = Tiny();
        var first = new CountingObserver();
        var results = CrossValidation.Run(data, plan, folder.Path, first, CancellationToken.None);

        Assert.Equal(8, results.Count);
        Assert.Equal(8, first.Epochs);
        var folds = KFoldSplit.Load(Path.Combine(folder.Path, CrossValidation.FoldsFile));
        foreach (var r in results)
        {
            // Each fold is scored on exactly its held-out slices.
            Assert.Equal(folds.Folds[r.Fold].Order(StringComparer.Ordinal), r.Report.Images.Select(i => i.Id).Order(StringComparer.Ordinal));
            var run = RunManifest.Load(CrossValidation.FoldDirectory(folder.Path, r.Augmentation, r.Arch, r.Fold));
            Assert.Empty(run.Data.TrainIds.Intersect(folds.Folds[r.Fold]));
            Assert.Equal(r.Arch, run.Model.Arch);
            Assert.Equal(r.Augmentation, run.Augmentation);
        }

        var again = new CountingObserver();
        var rerun = CrossValidation.Run(data, plan, folder.Path, again, CancellationToken.None);
        Assert.Equal(0, again.Epochs);
        Assert.Equal(results.Select(r => r.Report.MeanOverImages.LesionMean.Dice), rerun.Select(r => r.Report.MeanOverImages.LesionMean.Dice));
    }

    [Fact]
    public void ProcessesSplittingTheFoldsTrainOnlyTheirOwnAndReportEveryFinishedFold()
    {
        using var folder = new TempFolder();
        var (data, whole) = Tiny(folds: 3);
        var plan = whole with { Archs = [Architectures.UNetName], Augmentations = [AugmentationMode.None] };
        var second = new CountingObserver();
        var onlySecond = CrossValidation.Run(data, plan with { FoldsToRun = [1] }, folder.Path, second, CancellationToken.None);

        Assert.Equal(1, second.Epochs);
        Assert.Equal([1], onlySecond.Select(r => r.Fold));
        Assert.False(Directory.Exists(CrossValidation.FoldDirectory(folder.Path, AugmentationMode.None, Architectures.UNetName, 0)));

        // The other process's share, then a plain rerun that finds everything done.
        var rest = new CountingObserver();
        var all = CrossValidation.Run(data, plan with { FoldsToRun = [0, 2] }, folder.Path, rest, CancellationToken.None);
        Assert.Equal(2, rest.Epochs);
        Assert.Equal([0, 1, 2], all.Select(r => r.Fold));
        var rerun = new CountingObserver();
        Assert.Equal(3, CrossValidation.Run(data, plan, folder.Path, rerun, CancellationToken.None).Count);
        Assert.Equal(0, rerun.Epochs);
    }

    [Fact]
    public void AFoldOutsideThePlanIsRefusedByNumber()
    {
        var (_, plan) = Tiny(folds: 3);
        var e = Assert.Throws<CovidSegException>(() => (plan with { FoldsToRun = [3] }).Validate());
        Assert.Equal("fold 4 was asked for, but there are 3 folds (1..3)", e.Message);
        // -1 must not pass as "none found".
        var negative = Assert.Throws<CovidSegException>(() => (plan with { FoldsToRun = [-1] }).Validate());
        Assert.Equal("fold 0 was asked for, but there are 3 folds (1..3)", negative.Message);
    }

    [Fact]
    public void TablesHaveThePaperRowsAndTheRelativeChange()
    {
        using var folder = new TempFolder();
        var (data, plan) = Tiny();
        var results = CrossValidation.Run(data, plan, folder.Path, SilentTrainingObserver.Instance, CancellationToken.None);
        string md = CrossValidationTables.Markdown(results, plan, "covidseg cv ...", TimeSpan.FromMinutes(1));
        Assert.Contains("### Table I: full model against U-Net", md);
        Assert.Contains("| Ours (M) |", md);
        Assert.Contains("| U-Net |", md);
        Assert.Contains("| relative change |", md);
        Assert.DoesNotContain("Partial", md);
        var ours = CrossValidationTables.Summary(results, Architectures.ResidualAttentionUNetName, AugmentationMode.Paper, r => r.MeanOverImages.LesionMean.Dice);
        Assert.Equal(2, ours.Count);
        Assert.Contains(ours.Format(), md);

        string partial = CrossValidationTables.Markdown(results.Where(r => r.Fold == 0).Take(3).ToList(), plan, "covidseg cv ...", TimeSpan.Zero);
        Assert.Contains("Partial: 0 of 2 folds complete", partial);
    }

    [Fact]
    public void FoldsOfAnotherRunAreRefused()
    {
        using var folder = new TempFolder();
        var (data, plan) = Tiny();
        KFoldSplit.Create(data.AllIds(), 3, 1).Save(Path.Combine(folder.Path, CrossValidation.FoldsFile));
        var e = Assert.Throws<CovidSegException>(() => CrossValidation.Run(data, plan, folder.Path, SilentTrainingObserver.Instance, CancellationToken.None));
        Assert.Contains("holds 3 folds but 2 were asked", e.Message);
    }
}
