using CovidSeg.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Benchmarks;

/// <summary>One network's forward pass in evaluation mode on Size x Size slices, Batch at a time, in one precision.
/// <see cref="Seconds"/> is per batch; null when the row was not run, with <see cref="NotRunReason"/> saying why.</summary>
public sealed record InferenceRow(string Arch, int Size, int Batch, string Precision, double ForwardFlopsPerImage,
    TimingStatistics? Seconds, string? NotRunReason = null)
{
    public double? MillisecondsPerSlice => Seconds is { } s ? s.Median / Batch * 1000 : null;
    public double? Gflops => Seconds is { } s ? ForwardFlopsPerImage * Batch / s.Median / 1e9 : null;
}

/// <summary>
/// Times <c>forward</c> of a network under <c>no_grad</c> and <c>eval()</c>, as <see cref="Inference.Segmenter"/> runs
/// it, on seeded random slices. Reduced precision casts the weights and the input (libtorch CPU has no autocast that
/// TorchSharp exposes); batch-norm statistics and the attention's rotations are cast with them.
/// </summary>
public static class InferenceBenchmark
{
    public static InferenceRow Measure(ModelOptions options, int size, int batch, ScalarType dtype, int runs, long seed = 1)
    {
        using var network = ModelFactory.Create(options, seed);
        var summary = ModelSummary.Compute(network, size, size);
        network.eval();
        if (dtype != ScalarType.Float32) network.to(dtype);
        using var noGrad = no_grad();
        using var input = randn([batch, options.InChannels, size, size], generator: new Generator((ulong)seed)).to(dtype);
        var timing = TimingStatistics.Measure(() =>
        {
            using var scope = NewDisposeScope();
            network.call(input);
        }, warmups: 1, runs: runs);
        return new InferenceRow(options.Arch, size, batch, MatmulCeilingBenchmark.Name(dtype), summary.TotalFlops, timing);
    }

    /// <summary>A row that was not run, e.g. bf16 on a CPU whose bf16 products are slower than fp32.</summary>
    public static InferenceRow NotRun(ModelOptions options, int size, int batch, ScalarType dtype, string reason)
    {
        using var network = ModelFactory.Create(options, seed: 1);
        var summary = ModelSummary.Compute(network, size, size);
        return new InferenceRow(options.Arch, size, batch, MatmulCeilingBenchmark.Name(dtype), summary.TotalFlops, null, reason);
    }
}
