using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Benchmarks;

/// <summary>The best matrix-product rate libtorch reaches here in one precision: the ceiling other rows are a fraction of.</summary>
public sealed record MatmulCeiling(string Precision, int Size, TimingStatistics Seconds)
{
    public double Gflops => 2.0 * Size * Size * (double)Size / Seconds.Median / 1e9;
}

/// <summary>
/// Square matrix products (n x n times n x n, 2n³ FLOPs) in float32 and bfloat16 on libtorch's threads. The size
/// grows until one product takes at least <see cref="MinSecondsPerRun"/>, so call overhead does not count, and the
/// best size's median is the ceiling. A precision the CPU has no fast kernels for (bfloat16 without AVX-512 BF16 or
/// AMX) is found out at the smallest size and not grown further, so its ceiling costs a second, not an hour.
/// </summary>
public static class MatmulCeilingBenchmark
{
    public const double MinSecondsPerRun = 0.05;
    public static readonly int[] Sizes = [256, 512, 1024, 2048];

    public static MatmulCeiling Measure(ScalarType dtype, int runs, long seed = 1, int maxSize = 2048)
    {
        MatmulCeiling? best = null;
        foreach (int n in Sizes.Where(s => s <= maxSize))
        {
            using var scope = NewDisposeScope();
            var generator = new Generator((ulong)seed);
            var a = randn([n, n], generator: generator).to(dtype);
            var b = randn([n, n], generator: generator).to(dtype);
            var probe = TimingStatistics.Measure(() => a.matmul(b).Dispose(), warmups: 1, runs: 1);
            if (probe.Median > 1.0)
            {
                // Far too slow to be a useful kernel: one timed product is all the ceiling needs.
                var slow = new MatmulCeiling(Name(dtype), n, probe);
                return best is null || slow.Gflops > best.Gflops ? slow : best;
            }
            var timing = TimingStatistics.Measure(() => a.matmul(b).Dispose(), warmups: 0, runs: runs);
            var row = new MatmulCeiling(Name(dtype), n, timing);
            if (best is null || row.Gflops > best.Gflops) best = row;
            if (timing.Median >= MinSecondsPerRun && n >= 1024) break;
        }
        return best!;
    }

    public static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "fp32",
        ScalarType.BFloat16 => "bf16",
        ScalarType.Float16 => "fp16",
        _ => dtype.ToString(),
    };
}
