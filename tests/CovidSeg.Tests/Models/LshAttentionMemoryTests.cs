using CovidSeg.Models;

namespace CovidSeg.Tests.Models;

/// <summary>
/// LSH attention's largest tensor grows linearly with the number of positions, full attention's quadratically.
/// The measured peak memory (AttentionMemoryProbe) belongs to the benchmark, not to the test suite.
/// </summary>
[Collection(CovidSeg.Tests.Runtime.ProcessMemoryCollection.Name)]
public class LshAttentionMemoryTests
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
}
