using CovidSeg.Data;
using CovidSeg.Evaluation;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Evaluation;

public class SegmentationScoresTests
{
    private const int Precision = 12;
    private static readonly IReadOnlyList<string> SemiSegNames = LabelSet.SemiSeg.Classes.Select(c => c.Name).ToList();

    [Fact]
    public void LesionMeanLeavesBackgroundOutAndPaperMeanKeepsIt()
    {
        var m = ConfusionMatrix.FromMasks(TestMasks.WorkedTruth, TestMasks.WorkedPrediction, 3, "worked");
        var s = SegmentationScores.FromMatrix(m, SemiSegNames);

        // Lesion Dice 2/3 (class 1) and 2/3 (class 2); background Dice 0.8.
        Assert.Equal(2.0 / 3, s.LesionMean.Dice, Precision);
        Assert.Equal((3.0 / 4 + 1.0 / 2) / 2, s.LesionMean.Sensitivity, Precision); // 0.625
        Assert.Equal((10.0 / 12 + 1.0) / 2, s.LesionMean.Specificity, Precision);   // 11/12
        Assert.Equal((0.8 + 2.0 / 3 + 2.0 / 3) / 3, s.PaperAllClassMeanDice, Precision); // 32/45 = 0.7111
        Assert.Equal((0.8 + 0.6 + 1.0) / 3, s.PaperAllClassMeanPrecision, Precision);    // 0.8
        Assert.Equal(12.0 / 16, s.PixelAccuracy, Precision);
        Assert.Equal(["ground-glass opacity", "consolidation"], s.Lesions.Select(c => c.ClassName));
    }

    [Fact]
    public void MeanOverImagesDiffersFromGlobalPixelSums()
    {
        // Image A (2x2): truth 1 1 / 0 0, prediction 1 0 / 0 0 -> lesion TP 1, FN 1, FP 0, TN 2: Dice 2/3.
        // Image B (2x3): truth 1 1 1 / 1 0 0, prediction 1 1 1 / 0 0 0 -> TP 3, FN 1, FP 0, TN 2: Dice 6/7.
        var a = ConfusionMatrix.FromMasks(TestMasks.Parse("11", "00"), TestMasks.Parse("10", "00"), 2, "A");
        var b = ConfusionMatrix.FromMasks(TestMasks.Parse("111", "100"), TestMasks.Parse("111", "000"), 2, "B");
        var names = TestMasks.TwoClasses;

        var mean = SegmentationScores.MeanOverImages(
            [SegmentationScores.FromMatrix(a, names), SegmentationScores.FromMatrix(b, names)], names);
        var global = SegmentationScores.FromMatrix(ConfusionMatrix.Sum(2, [a, b]), names);

        Assert.Equal((2.0 / 3 + 6.0 / 7) / 2, mean.PerClass[1].Scores.Dice, Precision); // 16/21 = 0.7619
        Assert.Equal(2.0 * 4 / (2 * 4 + 2), global.PerClass[1].Scores.Dice, Precision); // TP 4, FN 2: 0.8
        Assert.Equal((1.0 / 2 + 3.0 / 4) / 2, mean.PerClass[1].Scores.Sensitivity, Precision); // 0.625
        Assert.Equal(4.0 / 6, global.PerClass[1].Scores.Sensitivity, Precision);
        Assert.Equal((3.0 / 4 + 5.0 / 6) / 2, mean.PixelAccuracy, Precision); // 19/24
        Assert.Equal(8.0 / 10, global.PixelAccuracy, Precision);
        // Background Dice is 4/5 in both images (TP 2, FP 1, FN 0) and globally (TP 4, FP 2).
        Assert.Equal((0.8 + 16.0 / 21) / 2, mean.PaperAllClassMeanDice, Precision);
        Assert.Equal((0.8 + 0.8) / 2, global.PaperAllClassMeanDice, Precision);
        // With one lesion class the lesion mean is that class.
        Assert.Equal(mean.PerClass[1].Scores, mean.LesionMean);
    }

    [Fact]
    public void EmptyImageCountsAsPerfectOnlyInTheMeanOverImages()
    {
        // Image A as above (lesion Dice 2/3); image C is all background in truth and prediction.
        var a = ConfusionMatrix.FromMasks(TestMasks.Parse("11", "00"), TestMasks.Parse("10", "00"), 2, "A");
        var c = ConfusionMatrix.FromMasks(TestMasks.Parse("00", "00"), TestMasks.Parse("00", "00"), 2, "C");
        var names = TestMasks.TwoClasses;

        var mean = SegmentationScores.MeanOverImages(
            [SegmentationScores.FromMatrix(a, names), SegmentationScores.FromMatrix(c, names)], names);
        var global = SegmentationScores.FromMatrix(ConfusionMatrix.Sum(2, [a, c]), names);

        Assert.Equal((2.0 / 3 + 1.0) / 2, mean.LesionMean.Dice, Precision); // 5/6
        Assert.Equal(2.0 / 3, global.LesionMean.Dice, Precision);           // C adds no lesion pixels
    }

    [Fact]
    public void ColumnsAreNamedByMetricAndClass()
    {
        var m = ConfusionMatrix.FromMasks(TestMasks.WorkedTruth, TestMasks.WorkedPrediction, 3, "worked");
        var columns = SegmentationScores.FromMatrix(m, SemiSegNames).ToColumns();

        Assert.Equal(1 + 3 * 5 + 5 + 2, columns.Count);
        Assert.Equal("pixel_accuracy", columns[0].Key);
        Assert.Equal("dice_background", columns[1].Key);
        var byName = columns.ToDictionary(c => c.Key, c => c.Value);
        Assert.Equal(2.0 / 3, byName["dice_ground_glass_opacity"], Precision);
        Assert.Equal(1.0, byName["precision_consolidation"], Precision);
        Assert.Equal(2.0 / 3, byName["lesion_mean_dice"], Precision);
        Assert.Equal(32.0 / 45, byName["paper_all_class_mean_dice"], Precision);
    }
}
