using CovidSeg.Models;

namespace CovidSeg.Benchmarks;

/// <summary>
/// One network's training step at one input size. Achieved GFLOP/s counts a step as 3 x the forward FLOPs of
/// <see cref="ModelSummary"/> per image (the backward pass costs about twice the forward: gradients with respect to
/// inputs and to weights), the usual accounting for convolutional networks.
/// </summary>
public sealed record TrainingStepRow(string Arch, int Size, int Batch, double ForwardFlopsPerImage, TimingStatistics Seconds)
{
    public double ImagesPerSecond => Batch / Seconds.Median;
    public double Gflops => 3 * ForwardFlopsPerImage * Batch / Seconds.Median / 1e9;
}

/// <summary>Times <see cref="TrainingStepTimer"/> steps for each network at each size, with the paper's batch of 4.</summary>
public static class TrainingStepBenchmark
{
    public static TrainingStepRow Measure(ModelOptions options, int size, int batch, int steps, long seed = 1)
    {
        using var network = ModelFactory.Create(options, seed);
        var summary = ModelSummary.Compute(network, size, size);
        var timing = TrainingStepTimer.Measure(network, batch, size, steps, seed);
        return new TrainingStepRow(options.Arch, size, batch, summary.TotalFlops, timing);
    }
}
