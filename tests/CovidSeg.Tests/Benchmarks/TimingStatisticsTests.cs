using CovidSeg.Benchmarks;

namespace CovidSeg.Tests.Benchmarks;

public class TimingStatisticsTests
{
    [Fact]
    public void MedianOfAnOddCountIsTheMiddleRun()
    {
        var t = TimingStatistics.Of([0.5, 0.1, 0.3, 0.9, 0.2]);
        Assert.Equal(0.3, t.Median);
        Assert.Equal(0.1, t.Min);
        Assert.Equal(0.9, t.Max);
        Assert.Equal(5, t.Runs);
        Assert.Equal((0.9 - 0.1) / 0.3, t.RelativeSpread, 12);
    }

    [Fact]
    public void MedianOfAnEvenCountIsTheMeanOfTheMiddleTwo()
    {
        Assert.Equal(0.25, TimingStatistics.Of([0.4, 0.1, 0.2, 0.3]).Median, 12);
    }

    [Fact]
    public void MeasureRunsTheWarmUpsUntimedAndTimesEachRun()
    {
        int calls = 0;
        var t = TimingStatistics.Measure(() =>
        {
            calls++;
            Thread.Sleep(calls <= 2 ? 0 : 20);
        }, warmups: 2, runs: 3);
        Assert.Equal(5, calls);
        Assert.Equal(3, t.Runs);
        Assert.InRange(t.Min, 0.019, 5);
    }

    [Fact]
    public void RejectsNoRuns()
    {
        Assert.Throws<ArgumentException>(() => TimingStatistics.Of([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TimingStatistics.Measure(() => { }, 0, 0));
    }
}
