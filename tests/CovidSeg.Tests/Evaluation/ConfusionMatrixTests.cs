using CovidSeg.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Evaluation;

public class ConfusionMatrixTests
{
    [Fact]
    public void CountsTheWorkedExampleByHand()
    {
        var m = ConfusionMatrix.FromMasks(TestMasks.WorkedTruth, TestMasks.WorkedPrediction, 3, "worked");

        Assert.Equal(new long[][] { [8, 2, 0], [1, 3, 0], [1, 0, 1] }, m.ToRows());
        Assert.Equal(16, m.Total);
        Assert.Equal(12, m.Correct); // 8 + 3 + 1
        // Class 1: TP 3, FP = column 1 minus diagonal = 2, FN = row 1 minus diagonal = 1, TN = 16 - 6 = 10.
        Assert.Equal((3L, 2L, 1L, 10L), (m.TruePositives(1), m.FalsePositives(1), m.FalseNegatives(1), m.TrueNegatives(1)));
        // Class 0: TP 8, FP = 1 + 1 = 2, FN = 2 + 0 = 2, TN = 16 - 12 = 4.
        Assert.Equal((8L, 2L, 2L, 4L), (m.TruePositives(0), m.FalsePositives(0), m.FalseNegatives(0), m.TrueNegatives(0)));
        Assert.Equal(0.75, m.PixelAccuracy, 12); // 12 / 16
    }

    [Fact]
    public void TensorPathEqualsArrayPath()
    {
        var rng = new Random(1234);
        const int k = 4, w = 37, h = 53;
        var truth = new byte[w * h];
        var pred = new byte[w * h];
        for (int i = 0; i < truth.Length; i++)
        {
            truth[i] = (byte)rng.Next(k);
            // Mostly right, sometimes another class, so every cell of the matrix is used.
            pred[i] = rng.NextDouble() < 0.6 ? truth[i] : (byte)rng.Next(k);
        }
        var fromArrays = ConfusionMatrix.FromLabels(truth, pred, k, "random");

        using var scope = NewDisposeScope();
        var t64 = tensor(truth.Select(b => (long)b).ToArray(), new long[] { h, w });
        var p64 = tensor(pred.Select(b => (long)b).ToArray(), new long[] { h, w });
        Assert.Equal(fromArrays, ConfusionMatrix.FromTensors(t64, p64, k, "random"));
        // Byte tensors (e.g. straight from a mask) are counted the same way.
        var t8 = tensor(truth, new long[] { h, w });
        var p8 = tensor(pred, new long[] { h, w });
        Assert.Equal(fromArrays, ConfusionMatrix.FromTensors(t8, p8, k, "random"));
        Assert.Equal(w * h, fromArrays.Total);
    }

    [Fact]
    public void BatchOfTensorsGivesOneMatrixPerItem()
    {
        using var scope = NewDisposeScope();
        var truth = TestMasks.WorkedTruth;
        var pred = TestMasks.WorkedPrediction;
        // Item 0: the worked example; item 1: its prediction scored against itself (all on the diagonal).
        var truthBatch = stack([ToTensor(truth.Labels), ToTensor(pred.Labels)]).reshape(2, 4, 4);
        var predBatch = stack([ToTensor(pred.Labels), ToTensor(pred.Labels)]).reshape(2, 4, 4);

        var matrices = ConfusionMatrix.FromTensorBatch(truthBatch, predBatch, 3, "batch");

        Assert.Equal(2, matrices.Length);
        Assert.Equal(new long[][] { [8, 2, 0], [1, 3, 0], [1, 0, 1] }, matrices[0].ToRows());
        // Prediction has 10 zeros, 5 ones, 1 two.
        Assert.Equal(new long[][] { [10, 0, 0], [0, 5, 0], [0, 0, 1] }, matrices[1].ToRows());
    }

    [Fact]
    public void LabelOutsideTheClassesIsAnInputError()
    {
        byte[] truth = [0, 1, 2, 0];
        byte[] bad = [0, 1, 3, 0];

        var e1 = Assert.Throws<InvalidInputException>(() => ConfusionMatrix.FromLabels(truth, bad, 3, "slice-7"));
        Assert.Equal("slice-7", e1.InputPath);
        Assert.Contains("prediction label 3 at pixel index 2", e1.Message);
        Assert.Contains("0..2", e1.Message);
        var e2 = Assert.Throws<InvalidInputException>(() => ConfusionMatrix.FromLabels(bad, truth, 3, "slice-7"));
        Assert.Contains("ground truth label 3", e2.Message);

        using var scope = NewDisposeScope();
        var good = tensor(new long[] { 0, 1, 2, 0 });
        var tooBig = tensor(new long[] { 0, 1, 3, 0 });
        var negative = tensor(new long[] { 0, -1, 2, 0 });
        var e3 = Assert.Throws<InvalidInputException>(() => ConfusionMatrix.FromTensors(good, tooBig, 3, "t"));
        Assert.Contains("prediction label 3 at pixel index 2", e3.Message);
        var e4 = Assert.Throws<InvalidInputException>(() => ConfusionMatrix.FromTensors(negative, good, 3, "t"));
        Assert.Contains("ground truth label -1 at pixel index 1", e4.Message);
    }

    [Fact]
    public void MismatchedShapesAndFloatTensorsAreInputErrors()
    {
        Assert.Throws<InvalidInputException>(() => ConfusionMatrix.FromLabels(new byte[4], new byte[5], 2, "x"));
        Assert.Throws<InvalidInputException>(() => ConfusionMatrix.FromMasks(TestMasks.Parse("00", "00"), TestMasks.Parse("0000"), 2, "x"));

        using var scope = NewDisposeScope();
        var e = Assert.Throws<InvalidInputException>(() => ConfusionMatrix.FromTensors(zeros(2, 2), zeros(2, 2), 2, "logits"));
        Assert.Contains("integer label tensor", e.Message);
        Assert.Throws<InvalidInputException>(() =>
            ConfusionMatrix.FromTensors(zeros(2, 2, dtype: ScalarType.Int64), zeros(4, dtype: ScalarType.Int64), 2, "x"));
    }

    [Fact]
    public void SumAddsCountsCellByCell()
    {
        var a = new ConfusionMatrix(2, [1, 2, 3, 4]);
        var b = new ConfusionMatrix(2, [10, 20, 30, 40]);
        Assert.Equal(new ConfusionMatrix(2, [11, 22, 33, 44]), ConfusionMatrix.Sum(2, [a, b]));
        Assert.Throws<ArgumentException>(() => ConfusionMatrix.Sum(3, [a]));
    }

    private static Tensor ToTensor(byte[] labels) => tensor(labels.Select(b => (long)b).ToArray());
}
