using CovidSeg.Runs;
using CovidSeg.Training;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Training;

/// <summary>The training loss against a computation by hand, with loops over pixels and classes.</summary>
public class SegmentationLossTests
{
    // One image, three classes, 1 x 3 pixels; class 2 occurs in no pixel of the target.
    private static readonly float[,] Logits = { { 2.0f, -1.0f, 0.5f }, { 0.1f, 1.5f, -0.3f }, { -0.7f, 0.2f, 0.4f } }; // [class, pixel]
    private static readonly long[] Target = [0, 1, 0];

    private static (Tensor Logits, Tensor Target) Batch()
    {
        var flat = new float[9];
        for (int c = 0; c < 3; c++)
        for (int p = 0; p < 3; p++) flat[c * 3 + p] = Logits[c, p];
        return (tensor(flat).reshape(1, 3, 1, 3), tensor(Target).reshape(1, 1, 3));
    }

    private static double[,] Softmax()
    {
        var probs = new double[3, 3];
        for (int p = 0; p < 3; p++)
        {
            double sum = 0;
            for (int c = 0; c < 3; c++) sum += Math.Exp(Logits[c, p]);
            for (int c = 0; c < 3; c++) probs[c, p] = Math.Exp(Logits[c, p]) / sum;
        }
        return probs;
    }

    private static double CrossEntropy(double[] weights)
    {
        var probs = Softmax();
        double loss = 0, weightSum = 0;
        for (int p = 0; p < 3; p++)
        {
            double w = weights[Target[p]];
            loss += -w * Math.Log(probs[Target[p], p]);
            weightSum += w;
        }
        return loss / weightSum;
    }

    private static double SoftDice()
    {
        var probs = Softmax();
        double sum = 0;
        for (int c = 1; c < 3; c++)
        {
            double intersection = 0, denominator = 0;
            for (int p = 0; p < 3; p++)
            {
                double truth = Target[p] == c ? 1 : 0;
                intersection += probs[c, p] * truth;
                denominator += probs[c, p] + truth;
            }
            sum += (2 * intersection + 1e-5) / (denominator + 1e-5);
        }
        return 1 - sum / 2;
    }

    [Fact]
    public void CrossEntropyIsTheMeanNegativeLogLikelihood()
    {
        var (logits, target) = Batch();
        using var loss = new SegmentationLoss(LossKind.CrossEntropy, null, 3);
        Assert.Equal(CrossEntropy([1, 1, 1]), loss.Compute(logits, target).item<float>(), 5);
    }

    [Fact]
    public void ClassWeightsWeighEachPixelByItsTrueClass()
    {
        var (logits, target) = Batch();
        using var weighted = new SegmentationLoss(LossKind.CrossEntropy, [1, 4, 2], 3);
        double expected = CrossEntropy([1, 4, 2]);
        Assert.Equal(expected, weighted.Compute(logits, target).item<float>(), 5);
        Assert.NotEqual(CrossEntropy([1, 1, 1]), expected, 3);
    }

    [Fact]
    public void DiceCrossEntropyAddsTheSoftDiceOfTheLesionClassesIncludingAnAbsentOne()
    {
        var (logits, target) = Batch();
        using var loss = new SegmentationLoss(LossKind.DiceCrossEntropy, [1, 4, 2], 3);
        Assert.Equal(CrossEntropy([1, 4, 2]) + SoftDice(), loss.Compute(logits, target).item<float>(), 5);
        // Class 2 is absent: its Dice is the smoothing over its predicted mass, near 0, not 0/0.
        using var dice = SegmentationLoss.SoftDiceLoss(logits, target);
        Assert.True(float.IsFinite(dice.item<float>()));
        Assert.Equal(SoftDice(), dice.item<float>(), 5);
    }

    [Fact]
    public void APerfectPredictionHasNearlyNoDiceLoss()
    {
        var target = tensor(new long[] { 0, 1, 2, 1 }).reshape(1, 2, 2);
        using var logits = nn.functional.one_hot(target, 3).permute(0, 3, 1, 2).to(float32) * 50;
        Assert.Equal(0, SegmentationLoss.SoftDiceLoss(logits, target).item<float>(), 4);
    }

    [Fact]
    public void TheWrongNumberOfClassWeightsIsANamedError()
    {
        var e = Assert.Throws<CovidSegException>(() => new SegmentationLoss(LossKind.CrossEntropy, [1, 2], 3));
        Assert.Contains("2 class weights given for 3 classes", e.Message);
    }
}
