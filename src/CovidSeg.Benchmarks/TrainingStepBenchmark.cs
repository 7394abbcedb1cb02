using CovidSeg.Models;

namespace CovidSeg.Benchmarks;

/// <summary>
/// One network's training step at one input size in one compute precision ("fp32", or "bf16": mixed precision with
/// fp32 master weights). Achieved GFLOP/s counts a step as 3 x the forward FLOPs of <see cref="ModelSummary"/> per
/// image (the backward pass costs about twice the forward: gradients with respect to inputs and to weights), the
/// usual accounting for convolutional networks. <see cref="Seconds"/> is null when the row was not run, with
/// <see cref="NotRunReason"/> saying why.
/// </summary>
public sealed record TrainingStepRow(string Arch, int Size, int Batch, string Precision, double ForwardFlopsPerImage,
    TimingStatistics? Seconds, string? NotRunReason = null)
{
    public double? ImagesPerSecond => Seconds is { } s ? Batch / s.Median : null;
    public double? Gflops => Seconds is { } s ? 3 * ForwardFlopsPerImage * Batch / s.Median / 1e9 : null;
}

/// <summary>Times <see cref="TrainingStepTimer"/> steps for each network at each size, with the paper's batch of 4.</summary>
public static class TrainingStepBenchmark
{
    public static TrainingStepRow Measure(ModelOptions options, int size, int batch, int steps, bool bf16 = false, string? skipReason = null, long seed = 1)
    {
        string precision = bf16 ? "bf16" : "fp32";
        using var network = ModelFactory.Create(options, seed);
        var summary = ModelSummary.Compute(network, size, size);
        if (skipReason is not null) return new TrainingStepRow(options.Arch, size, batch, precision, summary.TotalFlops, null, skipReason);
        var timing = TrainingStepTimer.Measure(network, batch, size, steps, seed, bf16);
        return new TrainingStepRow(options.Arch, size, batch, precision, summary.TotalFlops, timing);
    }
}
