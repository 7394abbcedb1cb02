using CovidSeg.Cli;
using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Imaging;
using CovidSeg.Models;
using CovidSeg.Phantom;
using CovidSeg.PostProcessing;
using CovidSeg.Runs;
using CovidSeg.Tests.Cli;
using CovidSeg.Tests.Inference;
using CovidSeg.Training;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Training;

public class DecisionOffsetTests(TrainedRunFixture run) : IClassFixture<TrainedRunFixture>
{
    private static readonly string[] Names = ["background", "ground-glass opacity", "consolidation"];

    /// <summary>One pixel's probabilities, as a [3, 1, 1] map.</summary>
    private static Tensor Pixel(float background, float ggo, float consolidation) => tensor(new[] { background, ggo, consolidation }).view(3, 1, 1);

    [Theory]
    [InlineData(0.0, 0)]       // 0.6 > 0.4
    [InlineData(0.4, 0)]       // 0.4 e^0.4 = 0.597 < 0.6
    [InlineData(0.6931, 1)]    // 0.4 x 2 = 0.8 > 0.6
    [InlineData(-0.5, 0)]
    public void AnOffsetMultipliesItsClassProbabilityByEToTheOffset(double ggoOffset, int expected)
    {
        using var p = Pixel(0.6f, 0.4f, 0f);
        var labels = ScoreRestoration.Labels(p, new DecisionOffsets(Names, [0, ggoOffset, 0]));
        Assert.Equal((byte)expected, labels.Labels[0]);
    }

    [Fact]
    public void EqualWeightsKeepTheLowerClassAsThePlainArgmaxDoes()
    {
        using var p = Pixel(0.25f, 0.5f, 0.25f);
        Assert.Equal((byte)1, ScoreRestoration.Labels(p, new DecisionOffsets(Names, [0, 0, Math.Log(2)])).Labels[0]);
    }

    /// <summary>
    /// A 2 x 2 image whose left column is GGO that the network gives probability 0.4 (background 0.6), and whose right
    /// column is background (0.9 against GGO 0.1). Any GGO offset in (ln 1.5, ln 9) = (0.41, 2.20) labels it exactly.
    /// </summary>
    private static HeldOutProbabilities Image(string id, int fold, float ggoProbability = 0.4f)
    {
        var p = new float[3 * 4];
        float[] bg = [1 - ggoProbability, 0.9f, 1 - ggoProbability, 0.9f], gg = [ggoProbability, 0.1f, ggoProbability, 0.1f];
        for (int i = 0; i < 4; i++) { p[i] = bg[i]; p[4 + i] = gg[i]; }
        return new HeldOutProbabilities(id, fold, tensor(p).view(3, 2, 2), new LabelMask(2, 2, [1, 0, 1, 0]));
    }

    [Fact]
    public void TheSearchFindsTheSmallestOffsetThatLabelsTheUnderSegmentedClass()
    {
        var images = new[] { Image("a", 0), Image("b", 0) };
        var plain = DecisionOffsetSearch.Score(images, DecisionOffsets.None(Names));
        Assert.Equal(0.0, plain.MeanOverImages.PerClass[1].Scores.Dice);
        var chosen = DecisionOffsetSearch.Choose(images, Names, "test");
        Assert.Equal([0, 0.5, 0], chosen.Offsets);
        Assert.Equal(1.0, DecisionOffsetSearch.Score(images, chosen).MeanOverImages.PerClass[1].Scores.Dice);
    }

    [Fact]
    public void EachFoldIsScoredWithOffsetsChosenWithoutIt()
    {
        // Folds 1 and 2 need GGO offset 0.5 (probability 0.4); fold 0 would need 1.0 (probability 0.3: ln(0.7/0.3) = 0.85).
        var images = new List<HeldOutProbabilities> { Image("a", 0, 0.3f), Image("b", 1), Image("c", 2) };
        var fitted = DecisionOffsetSearch.CrossFitted(images, Names);
        var fold0 = fitted.Single(f => f.Fold == 0);
        Assert.Equal([0, 0.5, 0], fold0.Offsets.Offsets);
        // Chosen without fold 0, the offset misses its fainter GGO: an honest score, not the best possible one.
        Assert.Equal(0.0, fold0.Report.MeanOverImages.PerClass[1].Scores.Dice);
        // Folds 1 and 2 are chosen on sets that include fold 0's image, which needs 1.0 and is also served by it.
        Assert.All(fitted.Where(f => f.Fold != 0), f => Assert.Equal(1.0, f.Report.MeanOverImages.PerClass[1].Scores.Dice));
    }

    /// <summary>Two folds of 6 phantom slices with ground-glass opacity, a tiny U-Net, decision offsets chosen.</summary>
    private static (PhantomDataset Data, CrossValidationPlan Plan) PhantomCrossValidation(TrainingOptions training, CovidSeg.Inference.TestTimeAugmentation? tta) =>
        (new PhantomDataset(6, seed: 2, new PhantomOptions { Size = 32, GroundGlassProbability = 1 }),
         new CrossValidationPlan(2, [Architectures.UNetName], [AugmentationMode.None], new ModelOptions { BaseWidth = 8, Depth = 2 },
             new PreprocessingOptions(Side: 32), training, ChooseDecisionOffsets: true, Tta: tta));

    [Fact]
    public void CrossValidationReportsCrossFittedRowsAndWritesOffsetsForPredict()
    {
        using var folder = new TempFolder();
        var (data, plan) = PhantomCrossValidation(new TrainingOptions { Epochs = 2, BatchSize = 4, Seed = 3 }, tta: null);
        var results = CrossValidation.Run(data, plan, folder.Path, SilentTrainingObserver.Instance, CancellationToken.None);

        string row = Architectures.UNetName + CrossValidationPlan.OffsetsSuffix;
        Assert.Equal([0, 1], results.Where(r => r.Arch == row).Select(r => r.Fold));
        string armDir = Path.GetDirectoryName(CrossValidation.FoldDirectory(folder.Path, AugmentationMode.None, Architectures.UNetName, 0))!;
        var all = DecisionOffsets.Load(Path.Combine(armDir, DecisionOffsets.FileName));
        Assert.Equal(data.Labels.Classes.Select(c => c.Name), all.ClassNames);
        foreach (int fold in new[] { 0, 1 })
        {
            var own = DecisionOffsets.Load(Path.Combine(armDir, $"fold-{fold}", DecisionOffsets.FileName));
            Assert.Contains($"fold {fold + 1} not seen", own.ChosenBy);
            // With all-zero offsets the cross-fitted row is the plain one, image for image.
            if (own.IsNone)
                Assert.Equal(results.Single(r => r.Arch == Architectures.UNetName && r.Fold == fold).Report.MeanOverImages.LesionMean.Dice,
                    results.Single(r => r.Arch == row && r.Fold == fold).Report.MeanOverImages.LesionMean.Dice, 12);
        }
        Assert.Contains("U-Net + decision offsets (cross-fitted)", CrossValidationTables.Markdown(results, plan, "cv", TimeSpan.FromMinutes(1)));
        var again = CrossValidation.Run(data, plan, folder.Path, SilentTrainingObserver.Instance, CancellationToken.None);
        Assert.Equal(results.Select(r => (r.Arch, r.Fold, r.Report.MeanOverImages.LesionMean.Dice)), again.Select(r => (r.Arch, r.Fold, r.Report.MeanOverImages.LesionMean.Dice)));
    }

    [Fact]
    public void WithTestTimeAugmentationCvScoresAugmentedPredictionsAndChoosesOffsetsOnThem()
    {
        using var folder = new TempFolder();
        var (data, plan) = PhantomCrossValidation(new TrainingOptions { Epochs = 25, BatchSize = 2, Seed = 3 }, CovidSeg.Inference.TestTimeAugmentation.Dihedral);
        var results = CrossValidation.Run(data, plan, folder.Path, SilentTrainingObserver.Instance, CancellationToken.None);

        string ttaRow = Architectures.UNetName + "@tta-dihedral", offsetsRow = ttaRow + CrossValidationPlan.OffsetsSuffix;
        Assert.Equal([Architectures.UNetName, ttaRow, offsetsRow], plan.ReportedArchs);
        Assert.Equal("U-Net, test-time augmentation dihedral + decision offsets (cross-fitted)", CrossValidationTables.PaperName(offsetsRow));
        Assert.Equal([0, 1], results.Where(r => r.Arch == ttaRow).Select(r => r.Fold));
        Assert.Equal([0, 1], results.Where(r => r.Arch == offsetsRow).Select(r => r.Fold));
        string armDir = Path.GetDirectoryName(CrossValidation.FoldDirectory(folder.Path, AugmentationMode.None, Architectures.UNetName, 0))!;
        // The offsets belong with the augmentation they were chosen under; the plain files are not written.
        Assert.False(File.Exists(Path.Combine(armDir, DecisionOffsets.FileName)));
        var all = DecisionOffsets.Load(Path.Combine(armDir, "decision-offsets-tta-dihedral.json"));
        Assert.Contains("predict --tta dihedral", all.ChosenBy);
        Assert.Equal("dihedral", all.TestTimeAugmentation);
        Assert.Null(all.AugmentationMismatch("dihedral"));
        Assert.Equal("these decision offsets were chosen on predictions with test-time augmentation dihedral, and this prediction uses none; pass --tta dihedral to use them as chosen",
            all.AugmentationMismatch("none"));
        foreach (int fold in new[] { 0, 1 })
        {
            string foldDir = Path.Combine(armDir, $"fold-{fold}");
            Assert.True(File.Exists(Path.Combine(foldDir, "metrics-tta-dihedral.json")));
            var own = DecisionOffsets.Load(Path.Combine(foldDir, "decision-offsets-tta-dihedral.json"));
            // With all-zero offsets the offsets row is the augmented one, image for image.
            if (own.IsNone)
                Assert.Equal(results.Single(r => r.Arch == ttaRow && r.Fold == fold).Report.MeanOverImages.LesionMean.Dice,
                    results.Single(r => r.Arch == offsetsRow && r.Fold == fold).Report.MeanOverImages.LesionMean.Dice, 12);
        }
        // The augmented scores are not the plain ones: 8 passes averaged change some pixels of a partly trained network.
        Assert.NotEqual(results.Where(r => r.Arch == Architectures.UNetName).Select(r => r.Report.MeanOverImages.PerClass[0].Scores.Dice),
            results.Where(r => r.Arch == ttaRow).Select(r => r.Report.MeanOverImages.PerClass[0].Scores.Dice));
        var again = CrossValidation.Run(data, plan, folder.Path, SilentTrainingObserver.Instance, CancellationToken.None);
        Assert.Equal(results.Select(r => (r.Arch, r.Fold, r.Report.MeanOverImages.LesionMean.Dice)), again.Select(r => (r.Arch, r.Fold, r.Report.MeanOverImages.LesionMean.Dice)));
    }

    [Fact]
    public void PredictAppliesOffsetsAndRefusesThoseOfAnotherLabelSet()
    {
        using var folder = new TempFolder();
        string inputs = folder.File("in");
        Directory.CreateDirectory(inputs);
        ImageFile.WriteGrey8(Path.Combine(inputs, "a.png"), ChestPhantom.GenerateSlice(8, new PhantomOptions { Size = 48 }).Image);
        var names = run.Data.Labels.Classes.Select(c => c.Name).ToList();
        string favourGgo = folder.File("ggo.json");
        new DecisionOffsets(names, names.Select((_, i) => i == 1 ? 20.0 : 0.0).ToList(), "test").Save(favourGgo);

        Assert.Equal(CommandRunner.Success, CliRun.Invoke("predict", "--model", run.RunDirectory, "--input", inputs, "--out", folder.File("plain"), "--threads", "2").Code);
        Assert.Equal(CommandRunner.Success, CliRun.Invoke("predict", "--model", run.RunDirectory, "--input", inputs, "--out", folder.File("ggo"), "--threads", "2", "--decision-offsets", favourGgo).Code);
        var plain = ImageFile.ReadLabels(Path.Combine(folder.File("plain"), "a.png"));
        var ggo = ImageFile.ReadLabels(Path.Combine(folder.File("ggo"), "a.png"));
        // e^20 outweighs any probability ratio a float holds: every pixel is GGO.
        Assert.All(ggo.Labels, l => Assert.Equal(1, l));
        Assert.Contains(plain.Labels, l => l != 1);

        string other = folder.File("other.json");
        new DecisionOffsets(Names, [0, 1, 0], "test").Save(other);
        var (code, error) = CliRun.Invoke("predict", "--model", run.RunDirectory, "--input", inputs, "--out", folder.File("x"), "--threads", "2", "--decision-offsets", other);
        Assert.Equal(CommandRunner.Failure, code);
        Assert.StartsWith($"error: {other}: the offsets are for the classes background, ground-glass opacity, consolidation, but the model predicts", error);
    }
}
