using CovidSeg.Data;
using CovidSeg.Evaluation;
using CovidSeg.Imaging;
using static TorchSharp.torch;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Evaluation;

public class MetricsAccumulatorTests
{
    /// <summary>Random truth/prediction pairs of one size; seeded, so every run sees the same maps.</summary>
    private static List<(string Id, LabelMask Truth, LabelMask Prediction)> RandomPairs(int seed, int count, int w, int h)
    {
        var rng = new Random(seed);
        var pairs = new List<(string, LabelMask, LabelMask)>();
        for (int n = 0; n < count; n++)
        {
            var truth = new byte[w * h];
            var pred = new byte[w * h];
            for (int i = 0; i < truth.Length; i++)
            {
                // Image 0 has no consolidation at all, so the both-empty convention takes part.
                truth[i] = (byte)rng.Next(n == 0 ? 2 : 3);
                pred[i] = rng.NextDouble() < 0.7 ? truth[i] : (byte)rng.Next(n == 0 ? 2 : 3);
            }
            pairs.Add(($"img{n}", new LabelMask(w, h, truth), new LabelMask(w, h, pred)));
        }
        return pairs;
    }

    [Fact]
    public void StreamingEqualsBatchComputation()
    {
        var pairs = RandomPairs(seed: 7, count: 5, w: 19, h: 23);

        var streaming = new MetricsAccumulator(LabelSet.SemiSeg);
        foreach (var (id, truth, pred) in pairs) streaming.Add(id, truth, pred);
        var streamed = streaming.ToReport();

        var batch = new MetricsAccumulator(LabelSet.SemiSeg);
        using (var scope = NewDisposeScope())
        {
            var truthBatch = stack(pairs.Select(p => tensor(p.Truth.Labels, new long[] { 23, 19 })).ToArray());
            var predBatch = stack(pairs.Select(p => tensor(p.Prediction.Labels, new long[] { 23, 19 })).ToArray());
            batch.AddBatch(pairs.Select(p => p.Id).ToList(), truthBatch, predBatch);
        }
        var batched = batch.ToReport();

        Assert.Equal(streamed.ToJson(), batched.ToJson());

        // Global scores equal those of one confusion matrix over all pixels of all images concatenated.
        var allTruth = pairs.SelectMany(p => p.Truth.Labels).ToArray();
        var allPred = pairs.SelectMany(p => p.Prediction.Labels).ToArray();
        var direct = ConfusionMatrix.FromLabels(allTruth, allPred, 3, "all");
        Assert.Equal(direct, streamed.TotalConfusion);
        Assert.Equal(SegmentationScores.FromMatrix(direct, streamed.ClassNames).ToColumns(), streamed.Global.ToColumns());

        // Mean over images equals the plain average of the per-image values, e.g. consolidation Dice.
        double expected = pairs.Average(p =>
            OverlapScores.ForClass(ConfusionMatrix.FromMasks(p.Truth, p.Prediction, 3, p.Id), 2).Dice);
        Assert.Equal(expected, streamed.MeanOverImages.PerClass[2].Scores.Dice, 12);
        Assert.Equal(1.0, streamed.Images[0].Scores.PerClass[2].Scores.Dice); // img0 has no consolidation anywhere
    }

    [Fact]
    public void ArrayAndTensorInputsGiveTheSameRow()
    {
        var acc = new MetricsAccumulator(LabelSet.SemiSeg);
        var fromMask = acc.Add("mask", TestMasks.WorkedTruth, TestMasks.WorkedPrediction);
        var fromBytes = acc.Add("bytes", TestMasks.WorkedTruth.Labels, TestMasks.WorkedPrediction.Labels);
        using var scope = NewDisposeScope();
        var fromTensor = acc.Add("tensor",
            tensor(TestMasks.WorkedTruth.Labels.Select(b => (long)b).ToArray(), new long[] { 4, 4 }),
            tensor(TestMasks.WorkedPrediction.Labels.Select(b => (long)b).ToArray(), new long[] { 4, 4 }));

        Assert.Equal(fromMask.Confusion, fromBytes.Confusion);
        Assert.Equal(fromMask.Confusion, fromTensor.Confusion);
        Assert.Equal(fromMask.Scores.ToColumns(), fromTensor.Scores.ToColumns());
        Assert.Equal(3, acc.ImageCount);
    }

    [Fact]
    public void BadInputsAreInputErrors()
    {
        var acc = new MetricsAccumulator(LabelSet.SemiSeg);
        acc.Add("a", TestMasks.Parse("01"), TestMasks.Parse("01"));

        Assert.Contains("already evaluated", Assert.Throws<InvalidInputException>(() => acc.Add("a", TestMasks.Parse("01"), TestMasks.Parse("01"))).Message);
        // SemiSeg has classes 0..2: label 3 (pleural effusion in MedSeg) is outside.
        var e = Assert.Throws<InvalidInputException>(() => acc.Add("b", TestMasks.Parse("03"), TestMasks.Parse("00")));
        Assert.Equal("b", e.InputPath);
        Assert.Equal(1, acc.ImageCount); // failed adds leave no row
        Assert.Throws<InvalidInputException>(() => acc.Add("c", new ConfusionMatrix(2, [1, 0, 0, 1])));
        Assert.Throws<CovidSegException>(() => new MetricsAccumulator(LabelSet.SemiSeg).ToReport());
    }
}
