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
/// TorchSharp exposes); batch-norm statistics and the attention's rotations are cast with them, and layers whose bf16
/// kernels are wrong on this CPU stay fp32 (<see cref="Inference.Fp32Islands"/>), as in <c>covidseg predict</c>.
/// </summary>
public static class InferenceBenchmark
{
    /// <summary>
    /// Rows for one network at one size: every batch size in every precision, in the order given (the network is cast
    /// in place, so fp32 must come before reduced precisions). A precision with a skip reason gets not-run rows.
    /// One network and one FLOP count (<see cref="ModelSummary"/>) serve all the rows.
    /// </summary>
    public static IReadOnlyList<InferenceRow> Measure(ModelOptions options, int size, IReadOnlyList<int> batches,
        IReadOnlyList<(ScalarType Dtype, string? SkipReason)> precisions, int runs, Action<string>? progress = null, long seed = 1)
    {
        using var network = ModelFactory.Create(options, seed);
        double flops = ModelSummary.Compute(network, size, size).TotalFlops;
        network.eval();
        var rows = new List<InferenceRow>();
        foreach (var (dtype, skipReason) in precisions)
        {
            string precision = MatmulCeilingBenchmark.Name(dtype);
            if (skipReason is null && dtype != ScalarType.Float32)
            {
                // As predict runs it: layers whose bf16 kernels are wrong here stay fp32.
                using var reference = ModelFactory.Create(options, seed);
                reference.eval();
                network.to(dtype);
                Inference.Fp32Islands.Keep(reference, network, Inference.Bf16KernelCheck.WrongLayers(reference, network).Select(w => w.Name).ToList());
            }
            foreach (int batch in batches)
            {
                if (skipReason is not null)
                {
                    rows.Add(new InferenceRow(options.Arch, size, batch, precision, flops, null, skipReason));
                    continue;
                }
                progress?.Invoke($"inference: {options.Arch}, {precision}, batch {batch} of {size} x {size}");
                using var input = randn([batch, options.InChannels, size, size], generator: new Generator((ulong)seed)).to(dtype);
                rows.Add(new InferenceRow(options.Arch, size, batch, precision, flops, TimeForward(network, input, runs)));
            }
        }
        return rows;
    }

    /// <summary>One warm-up, then <paramref name="runs"/> timed forward passes under <c>no_grad</c>, each in its own dispose scope.</summary>
    public static TimingStatistics TimeForward(nn.Module<Tensor, Tensor> module, Tensor input, int runs)
    {
        using var noGrad = no_grad();
        return TimingStatistics.Measure(() =>
        {
            using var scope = NewDisposeScope();
            module.call(input);
        }, warmups: 1, runs: runs);
    }
}
