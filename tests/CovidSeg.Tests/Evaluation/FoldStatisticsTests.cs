using CovidSeg.Evaluation;

namespace CovidSeg.Tests.Evaluation;

public class FoldStatisticsTests
{
    [Fact]
    public void MeanAndSampleStandardDeviation()
    {
        // Mean 0.6; squared deviations 0.01, 0.01, 0 -> sample variance 0.02 / (3 - 1) = 0.01 -> sd 0.1.
        var s = FoldStatistics.Summarise([0.5, 0.7, 0.6]);
        Assert.Equal(0.6, s.Mean, 12);
        Assert.Equal(0.1, s.StandardDeviation, 12);
        Assert.Equal(3, s.Count);
        Assert.Equal("0.600 ± 0.100", s.Format());
        Assert.Equal("0.6000 ± 0.1000", s.Format(4));
    }

    [Fact]
    public void OneFoldHasNoSpreadAndNoneIsAnError()
    {
        var s = FoldStatistics.Summarise([0.612]);
        Assert.True(double.IsNaN(s.StandardDeviation));
        Assert.Equal("0.612", s.Format());
        Assert.Throws<ArgumentException>(() => FoldStatistics.Summarise([]));
    }

    [Fact]
    public void FoldReportsAreSummarisedColumnByColumn()
    {
        // Fold 1: lesion Dice 2/3 (TP 1, FN 1); fold 2: lesion Dice 1 (perfect).
        var fold1 = new MetricsAccumulator(TestMasks.TwoClasses);
        fold1.Add("a", TestMasks.Parse("11", "00"), TestMasks.Parse("10", "00"));
        var fold2 = new MetricsAccumulator(TestMasks.TwoClasses);
        fold2.Add("b", TestMasks.Parse("11", "00"), TestMasks.Parse("11", "00"));

        var table = FoldStatistics.SummariseFolds([fold1.ToReport(), fold2.ToReport()]).ToDictionary(p => p.Key, p => p.Value);

        var dice = table["global.lesion_mean_dice"];
        Assert.Equal(5.0 / 6, dice.Mean, 12);
        // Two values 2/3 and 1: sample sd = |1 - 2/3| / sqrt(2).
        Assert.Equal((1.0 / 3) / Math.Sqrt(2), dice.StandardDeviation, 12);
        Assert.Equal("0.833 ± 0.236", dice.Format());
        Assert.True(table.ContainsKey("mean_over_images.paper_all_class_mean_dice"));
    }
}
