using CovidSeg.Benchmarks;
using CovidSeg.Models;

namespace CovidSeg.Tests.Benchmarks;

public class TrainingStepTimerTests
{
    [Fact]
    public void TimesStepsThatUpdateTheWeightsAndRestoresTheMode()
    {
        using var net = ModelFactory.Create(new ModelOptions { Arch = "unet", BaseWidth = 4, Depth = 2 }, seed: 1);
        net.eval();
        var before = net.parameters().Select(p => p.detach().clone()).ToList();
        var timing = TrainingStepTimer.Measure(net, batch: 2, size: 16, steps: 3, seed: 3);
        Assert.Equal(3, timing.Runs);
        Assert.True(timing.Min > 0 && timing.Min <= timing.Median && timing.Median <= timing.Max && double.IsFinite(timing.Max));
        Assert.False(net.training);
        Assert.Contains(net.parameters().Zip(before), p => !p.First.allclose(p.Second, 0, 0));
    }

    [Fact]
    public void RejectsAnEmptyMeasurement()
    {
        using var net = ModelFactory.Create(new ModelOptions { Arch = "unet", BaseWidth = 4, Depth = 2 }, seed: 1);
        Assert.Throws<CovidSegException>(() => TrainingStepTimer.Measure(net, 2, 16, 0, 3));
    }
}
