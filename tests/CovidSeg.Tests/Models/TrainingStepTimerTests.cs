using CovidSeg.Models;

namespace CovidSeg.Tests.Models;

public class TrainingStepTimerTests
{
    [Fact]
    public void TimesStepsThatUpdateTheWeightsAndRestoresTheMode()
    {
        using var net = ModelFactory.Create(new ModelOptions { Arch = "unet", BaseWidth = 4, Depth = 2 }, seed: 1);
        net.eval();
        var before = net.parameters().Select(p => p.detach().clone()).ToList();
        double seconds = TrainingStepTimer.SecondsPerStep(net, batch: 2, size: 16, steps: 2, seed: 3);
        Assert.True(seconds > 0 && double.IsFinite(seconds));
        Assert.False(net.training);
        Assert.Contains(net.parameters().Zip(before), p => !p.First.allclose(p.Second, 0, 0));
    }

    [Fact]
    public void RejectsAnEmptyMeasurement()
    {
        using var net = ModelFactory.Create(new ModelOptions { Arch = "unet", BaseWidth = 4, Depth = 2 }, seed: 1);
        Assert.Throws<CovidSegException>(() => TrainingStepTimer.SecondsPerStep(net, 2, 16, 0, 3));
    }
}
