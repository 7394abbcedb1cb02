using CovidSeg.Models;

namespace CovidSeg.Benchmarks;

/// <summary>
/// One attention block's forward + backward pass over Side x Side positions: wall time and peak memory (growth of the
/// process's peak resident set during the pass, <see cref="AttentionMemoryProbe"/>). Null timing = not run, with the
/// reason (full attention whose Side⁴ score matrices would not fit in memory).
/// </summary>
public sealed record AttentionRow(string Kind, int Side, int Channels, long AnalyticLargestBytes,
    TimingStatistics? Seconds, long? PeakBytes, string? NotRunReason = null)
{
    public long Positions => (long)Side * Side;
}

/// <summary>
/// LSH attention (<see cref="LshAttention2d"/>, the network's) against full softmax attention
/// (<see cref="FullSelfAttention2d"/>) on the same input: the Reformer's claim is that LSH grows linearly with the
/// positions (N log N for the sort) and full attention quadratically.
/// </summary>
public static class AttentionScalingBenchmark
{
    /// <summary>Full attention holds about this many N x N matrices at once in a forward + backward pass (scores, the
    /// self-mask, softmax output and their gradients); a run is skipped when they would not fit in available memory.</summary>
    public const int FullAttentionLiveMatrices = 5;
    /// <summary>Share of available memory a run may take.</summary>
    public const double MemoryShare = 0.7;

    public static AttentionRow Measure(SharedQkSelfAttention2d block, int side, int runs, long? availableBytes, long seed = 1)
    {
        string kind = block is LshAttention2d ? "LSH" : "full";
        long largest = block.LargestIntermediateElements(1, side, side) * sizeof(float);
        if (block is FullSelfAttention2d && availableBytes is long available && largest * FullAttentionLiveMatrices > MemoryShare * available)
            return new AttentionRow(kind, side, block.Channels, largest, null, null,
                $"not run: about {FullAttentionLiveMatrices} x {Gib(largest)} GiB of N x N matrices, {Gib(available)} GiB available");

        AttentionMemoryProbe.ForwardBackward(block, side, side, seed: seed); // warm-up at the measured size
        var seconds = new List<double>();
        var peaks = new List<long>();
        for (int i = 0; i < runs; i++)
        {
            var m = AttentionMemoryProbe.ForwardBackward(block, side, side, seed: seed);
            seconds.Add(m.Seconds);
            if (m.PeakResidentDeltaBytes is long p) peaks.Add(p);
        }
        long? peak = peaks.Count > 0 ? (long)TimingStatistics.MedianOf(peaks.Select(p => (double)p).ToList()) : null;
        return new AttentionRow(kind, side, block.Channels, largest, TimingStatistics.Of(seconds), peak);
    }

    private static string Gib(long bytes) => (bytes / (1024.0 * 1024 * 1024)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
