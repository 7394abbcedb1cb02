using CovidSeg.Training;

namespace CovidSeg.Tests.Training;

public class EpochVerdictTests
{
    [Fact]
    public void TheFirstEpochIsTheBestSoFar() =>
        Assert.Equal(new EpochVerdict(true, 0, false, false), EpochVerdict.Judge(null, 0.2, 0, 0, 0, 10));

    [Fact]
    public void OnlyAStrictGainIsANewBest()
    {
        Assert.True(EpochVerdict.Judge(0.5, 0.51, 3, 0, 4, 10).IsBest);
        var tie = EpochVerdict.Judge(0.5, 0.5, 3, 0, 4, 10);
        Assert.False(tie.IsBest);
        Assert.Equal(4, tie.SinceBest);
    }

    [Fact]
    public void WithoutValidationEveryEpochIsTheBestSoTheLastIsKept() =>
        Assert.True(EpochVerdict.Judge(0.9, null, 0, 0, 5, 10).IsBest);

    [Fact]
    public void EarlyStoppingEndsTheRunWhenPatienceIsSpent()
    {
        var waiting = EpochVerdict.Judge(0.5, 0.4, 1, 3, 4, 10);
        Assert.Equal((false, 2, false, false), (waiting.IsBest, waiting.SinceBest, waiting.StopEarly, waiting.Finished));
        var spent = EpochVerdict.Judge(0.5, 0.4, 2, 3, 5, 10);
        Assert.Equal((false, 3, true, true), (spent.IsBest, spent.SinceBest, spent.StopEarly, spent.Finished));
        Assert.False(EpochVerdict.Judge(0.5, 0.4, 50, 0, 5, 10).StopEarly); // patience 0 = off
    }

    [Fact]
    public void TheLastEpochFinishesTheRun() =>
        Assert.True(EpochVerdict.Judge(0.5, 0.4, 0, 0, 9, 10).Finished);
}
