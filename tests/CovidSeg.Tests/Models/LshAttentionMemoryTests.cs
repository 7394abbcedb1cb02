using CovidSeg.Models;
using TorchSharp;
using Xunit.Abstractions;

namespace CovidSeg.Tests.Models;

/// <summary>The peak-memory measurements read the whole process's resident set: nothing may run beside them.</summary>
[CollectionDefinition(nameof(MemoryMeasurementCollection), DisableParallelization = true)]
public sealed class MemoryMeasurementCollection;

/// <summary>LSH attention memory grows linearly with the number of positions, full attention quadratically.</summary>
[Collection(nameof(MemoryMeasurementCollection))]
public class LshAttentionMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void AnalyticLargestTensorGrowsFourfoldForLshAndSixteenfoldForFull()
    {
        using var lsh = new LshAttention2d("lsh", 32, new LshAttentionOptions());
        using var full = new FullSelfAttention2d("full", 32);

        // 128x128: 2 heads x 2 rounds x 16384 positions x 128 keys; 256x256: four times the positions, same keys.
        Assert.Equal(2L * 2 * 16384 * 128, lsh.LargestIntermediateElements(1, 128, 128));
        Assert.Equal(4.0, (double)lsh.LargestIntermediateElements(1, 256, 256) / lsh.LargestIntermediateElements(1, 128, 128));
        Assert.Equal(16.0, (double)full.LargestIntermediateElements(1, 256, 256) / full.LargestIntermediateElements(1, 128, 128));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void MeasuredPeakMemoryOfLshGrowsAboutLinearly()
    {
        torch.manual_seed(0);
        using var lsh = new LshAttention2d("lsh", 32, new LshAttentionOptions(GammaInit: 1.0));
        AttentionMemoryProbe.ForwardBackward(lsh, 64, 64); // warm-up: thread pools and first-use allocations

        var small = AttentionMemoryProbe.ForwardBackward(lsh, 128, 128);
        var large = AttentionMemoryProbe.ForwardBackward(lsh, 256, 256);
        Report(small);
        Report(large);

        Assert.NotNull(small.PeakResidentDeltaBytes);
        double ratio = (double)large.PeakResidentDeltaBytes!.Value / small.PeakResidentDeltaBytes!.Value;
        output.WriteLine($"LSH peak ratio 256x256 / 128x128 = {ratio:F2}");
        Assert.InRange(ratio, 3.0, 6.0);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void MeasuredPeakMemoryOfFullAttentionGrowsAboutQuadratically()
    {
        torch.manual_seed(0);
        using var full = new FullSelfAttention2d("full", 32, gammaInit: 1.0);
        AttentionMemoryProbe.ForwardBackward(full, 16, 16);

        // Full attention at 128x128 would need several GB; half the side shows the same growth law.
        var small = AttentionMemoryProbe.ForwardBackward(full, 48, 48);
        var large = AttentionMemoryProbe.ForwardBackward(full, 96, 96);
        Report(small);
        Report(large);

        double ratio = (double)large.PeakResidentDeltaBytes!.Value / small.PeakResidentDeltaBytes!.Value;
        output.WriteLine($"full peak ratio 96x96 / 48x48 = {ratio:F2}");
        Assert.InRange(ratio, 8.0, 20.0); // linear growth would give 4; fixed overheads weigh more at 48x48
    }

    private void Report(AttentionMemoryMeasurement m) =>
        output.WriteLine($"{m.Block} C={m.Channels} {m.Height}x{m.Width}: largest tensor {m.LargestIntermediateBytes / 1048576.0:F1} MiB, " +
                         $"peak RSS delta {m.PeakResidentDeltaBytes / 1048576.0:F1} MiB, {m.Seconds:F2} s");
}
