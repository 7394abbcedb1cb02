using System.Diagnostics;
using CovidSeg.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using CovidSeg.Models;

namespace CovidSeg.Benchmarks;

/// <summary>
/// Memory and time of one forward + backward pass of an attention block on an N x C x height x width input.
/// <see cref="LargestIntermediateBytes"/> is analytic (the attention scores, see
/// <see cref="SharedQkSelfAttention2d.LargestIntermediateElements"/>); <see cref="PeakResidentDeltaBytes"/> is empirical:
/// the growth of the process's peak resident set over the pass (null where Linux /proc is unavailable). The empirical
/// number is only meaningful when nothing else runs in the process at the same time.
/// </summary>
public sealed record AttentionMemoryMeasurement(
    string Block,
    int Batch,
    int Channels,
    int Height,
    int Width,
    long LargestIntermediateBytes,
    long? PeakResidentDeltaBytes,
    double Seconds);

/// <summary>Measures <see cref="AttentionMemoryMeasurement"/>s, for the LSH-versus-full attention benchmark.</summary>
public static class AttentionMemoryProbe
{
    /// <summary>
    /// Runs <paramref name="block"/> forward on a seeded random input, then backward from the sum of its output times
    /// seeded random weights (so every parameter gets a gradient), and reports memory and wall time. Gradients are
    /// cleared afterwards.
    /// </summary>
    public static AttentionMemoryMeasurement ForwardBackward(SharedQkSelfAttention2d block, int height, int width, int batch = 1, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (height < 1 || width < 1 || batch < 1)
            throw new CovidSegException($"memory probe: batch, height and width must be at least 1, got {batch} x {height} x {width}.");
        var dtype = block.Gamma.dtype;
        long[] shape = [batch, block.Channels, height, width];
        Tensor input, weights;
        using (var generator = new torch.Generator(unchecked((ulong)seed)))
        {
            input = torch.randn(shape, dtype: dtype, generator: generator);
            weights = torch.randn(shape, dtype: dtype, generator: generator);
        }
        try
        {
            block.zero_grad();
            bool resetWorked = ProcessMemory.ResetPeak();
            long? before = ProcessMemory.ResidentBytes();
            var clock = Stopwatch.StartNew();
            using (torch.NewDisposeScope())
            {
                block.forward(input).mul(weights).sum().backward();
            }
            clock.Stop();
            long? peak = ProcessMemory.PeakBytes();
            long elementBytes = dtype == ScalarType.Float64 ? 8 : dtype == ScalarType.Float32 ? 4 : 2;
            return new AttentionMemoryMeasurement(
                block.GetType().Name, batch, block.Channels, height, width,
                block.LargestIntermediateElements(batch, height, width) * elementBytes,
                resetWorked && before is long b && peak is long p ? p - b : null,
                clock.Elapsed.TotalSeconds);
        }
        finally
        {
            block.zero_grad();
            input.Dispose();
            weights.Dispose();
        }
    }
}
