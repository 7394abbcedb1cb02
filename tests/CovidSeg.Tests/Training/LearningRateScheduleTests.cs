using CovidSeg.Runs;
using CovidSeg.Training;

namespace CovidSeg.Tests.Training;

public class LearningRateScheduleTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(9)]
    public void ConstantIsThePapersFixedRate(int epoch) =>
        Assert.Equal(1e-3, LearningRateSchedule.At(LearningRateScheduleKind.Constant, 1e-3, epoch, 10));

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(5, 0.505)]          // half way: 0.01 + 0.99 x (1 + cos(pi/2)) / 2
    [InlineData(10, 0.01)]          // the end: 1% of the initial rate
    [InlineData(25, 0.01)]          // past the end: held there
    public void CosineFallsFromTheInitialRateToOnePercent(int epoch, double fraction) =>
        Assert.Equal(2e-3 * fraction, LearningRateSchedule.At(LearningRateScheduleKind.Cosine, 2e-3, epoch, 10), 12);

    [Fact]
    public void PolyIsNnUNetsDecay()
    {
        Assert.Equal(1e-2, LearningRateSchedule.At(LearningRateScheduleKind.Poly, 1e-2, 0, 4), 12);
        Assert.Equal(1e-2 * Math.Pow(0.75, 0.9), LearningRateSchedule.At(LearningRateScheduleKind.Poly, 1e-2, 1, 4), 12);
        Assert.Equal(1e-2 * Math.Pow(0.25, 0.9), LearningRateSchedule.At(LearningRateScheduleKind.Poly, 1e-2, 3, 4), 12);
    }

    [Fact]
    public void EverySchedulesRateFallsEpochByEpoch()
    {
        foreach (var kind in new[] { LearningRateScheduleKind.Cosine, LearningRateScheduleKind.Poly })
        {
            var rates = Enumerable.Range(0, 20).Select(e => LearningRateSchedule.At(kind, 1e-3, e, 20)).ToArray();
            Assert.All(rates.Zip(rates.Skip(1)), pair => Assert.True(pair.Second < pair.First, $"{kind}: {pair.First} then {pair.Second}"));
        }
    }

    [Fact]
    public void ASingleEpochRunKeepsTheInitialRate()
    {
        foreach (var kind in Enum.GetValues<LearningRateScheduleKind>())
            Assert.Equal(5e-4, LearningRateSchedule.At(kind, 5e-4, 0, 1));
    }
}
