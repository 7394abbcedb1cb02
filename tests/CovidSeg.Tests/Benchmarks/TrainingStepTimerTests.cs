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

    [Bf16CpuFact]
    public void ABf16StepUpdatesTheFp32MasterWeightsAsTheTrainerDoes()
    {
        using var net = ModelFactory.Create(new ModelOptions { Arch = "unet", BaseWidth = 16, Depth = 2 }, seed: 1);
        var before = net.parameters().Select(p => p.detach().clone()).ToList();
        var timing = TrainingStepTimer.Measure(net, batch: 2, size: 32, steps: 2, seed: 3, bf16: true);
        Assert.Equal(2, timing.Runs);
        // The master stays fp32 and finite, and Adam moved it: three steps (warm-up included) of lr 1e-3.
        Assert.All(net.parameters(), p => Assert.Equal(TorchSharp.torch.ScalarType.Float32, p.dtype));
        Assert.All(net.parameters(), p => Assert.True(p.isfinite().all().item<bool>()));
        var moved = net.parameters().Zip(before).Select(p => (p.First - p.Second).abs().max().item<float>()).ToList();
        Assert.Contains(moved, m => m > 1e-4f);
        Assert.All(moved, m => Assert.True(m <= 3.5e-3f, $"a weight moved {m}, more than 3 Adam steps of 1e-3 can"));
    }

    [Fact]
    public void RejectsAnEmptyMeasurement()
    {
        using var net = ModelFactory.Create(new ModelOptions { Arch = "unet", BaseWidth = 4, Depth = 2 }, seed: 1);
        Assert.Throws<CovidSegException>(() => TrainingStepTimer.Measure(net, 2, 16, 0, 3));
    }
}
