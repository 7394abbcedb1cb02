using CovidSeg.Evaluation;

namespace CovidSeg.Tests.Evaluation;

public class OverlapScoresTests
{
    private const int Precision = 12;

    [Fact]
    public void WorkedExampleScoresEveryClassAsComputedByHand()
    {
        var m = ConfusionMatrix.FromMasks(TestMasks.WorkedTruth, TestMasks.WorkedPrediction, 3, "worked");

        // Class 1 (truth 4 px, prediction 5 px, overlap 3): TP 3, FP 2, FN 1, TN 10.
        var c1 = OverlapScores.ForClass(m, 1);
        Assert.Equal(2.0 * 3 / (4 + 5), c1.Dice, Precision); // 0.6667
        Assert.Equal(3.0 / 6, c1.Iou, Precision);            // TP / (TP+FP+FN)
        Assert.Equal(3.0 / 5, c1.Precision, Precision);      // TP / predicted
        Assert.Equal(3.0 / 4, c1.Sensitivity, Precision);    // TP / true
        Assert.Equal(10.0 / 12, c1.Specificity, Precision);  // TN / (TN+FP)

        // Class 2 (truth 2 px, prediction 1 px, overlap 1): TP 1, FP 0, FN 1, TN 14.
        var c2 = OverlapScores.ForClass(m, 2);
        Assert.Equal(2.0 / 3, c2.Dice, Precision);
        Assert.Equal(1.0 / 2, c2.Iou, Precision);
        Assert.Equal(1.0, c2.Precision, Precision);
        Assert.Equal(1.0 / 2, c2.Sensitivity, Precision);
        Assert.Equal(1.0, c2.Specificity, Precision);        // 14 / 14

        // Background: TP 8, FP 2, FN 2, TN 4.
        var c0 = OverlapScores.ForClass(m, 0);
        Assert.Equal(16.0 / 20, c0.Dice, Precision);
        Assert.Equal(8.0 / 12, c0.Iou, Precision);
        Assert.Equal(4.0 / 6, c0.Specificity, Precision);
    }

    [Fact]
    public void ClassAbsentFromTruthAndPredictionScoresOne()
    {
        // 2x2 all background on both sides: lesion counts TP 0, FP 0, FN 0, TN 4.
        var m = ConfusionMatrix.FromMasks(TestMasks.Parse("00", "00"), TestMasks.Parse("00", "00"), 3, "empty");
        foreach (int c in new[] { 1, 2 })
            Assert.Equal(new OverlapScores(1, 1, 1, 1, 1), OverlapScores.ForClass(m, c));
    }

    [Fact]
    public void ClassOnlyInTruthScoresZeroExceptSpecificity()
    {
        // Truth has one lesion pixel, prediction none: TP 0, FP 0, FN 1, TN 3.
        var m = ConfusionMatrix.FromMasks(TestMasks.Parse("10", "00"), TestMasks.Parse("00", "00"), 2, "missed");
        var s = OverlapScores.ForClass(m, 1);
        Assert.Equal(0.0, s.Dice);
        Assert.Equal(0.0, s.Iou);
        Assert.Equal(0.0, s.Precision);   // empty prediction, non-empty truth: 0 by convention (0/0 otherwise)
        Assert.Equal(0.0, s.Sensitivity); // 0 / 1
        Assert.Equal(1.0, s.Specificity); // 3 / 3
    }

    [Fact]
    public void ClassOnlyInPredictionScoresZeroAndLosesSpecificity()
    {
        // Prediction has two lesion pixels, truth none: TP 0, FP 2, FN 0, TN 2.
        var m = ConfusionMatrix.FromMasks(TestMasks.Parse("00", "00"), TestMasks.Parse("11", "00"), 2, "hallucinated");
        var s = OverlapScores.ForClass(m, 1);
        Assert.Equal(0.0, s.Dice);
        Assert.Equal(0.0, s.Iou);
        Assert.Equal(0.0, s.Precision);   // 0 / 2
        Assert.Equal(0.0, s.Sensitivity); // empty truth, non-empty prediction: 0 by convention
        Assert.Equal(0.5, s.Specificity); // 2 / (2 + 2)
    }

    [Fact]
    public void SpecificityWithoutNegativesIsOne()
    {
        // Every true pixel is the lesion and so is every predicted one: TN 0, FP 0.
        var m = ConfusionMatrix.FromMasks(TestMasks.Parse("11", "11"), TestMasks.Parse("11", "11"), 2, "full");
        Assert.Equal(new OverlapScores(1, 1, 1, 1, 1), OverlapScores.ForClass(m, 1));
        // Half the lesion predicted as background: TP 2, FN 2, still no negatives.
        var half = ConfusionMatrix.FromMasks(TestMasks.Parse("11", "11"), TestMasks.Parse("11", "00"), 2, "half");
        var s = OverlapScores.ForClass(half, 1);
        Assert.Equal(1.0, s.Specificity);
        Assert.Equal(0.5, s.Sensitivity);
        Assert.Equal(4.0 / 6, s.Dice, Precision);
    }
}
