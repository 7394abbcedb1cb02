using System.Diagnostics;
using static TorchSharp.torch;

namespace CovidSeg.Inference;

/// <summary>Seconds per square matrix product in fp32 and bf16 at <see cref="Size"/>, measured in this process.</summary>
public sealed record Bf16Speed(int Size, double Fp32Seconds, double Bf16Seconds)
{
    /// <summary>How many times faster bf16 products are than fp32 ones (below 1: slower).</summary>
    public double Speedup => Fp32Seconds / Bf16Seconds;
}

/// <summary>
/// A quick measurement (a fraction of a second, docs/benchmarks.md) of whether bf16 matrix products beat fp32 ones here:
/// having the instructions is not enough (oneDNN may be capped by ONEDNN_MAX_CPU_ISA, or a build may lack the kernels),
/// and without them bf16 is 90x slower. Done once per process, on first use, on libtorch's threads.
/// </summary>
public static class Bf16SpeedProbe
{
    /// <summary>Large enough that a product takes milliseconds (call overhead does not count), small enough to be quick.</summary>
    public const int Size = 1024;
    private const int Runs = 5;
    /// <summary>A bf16 product slower than this is far too slow to use; the probe stops after one.</summary>
    private const double HopelessSeconds = 0.5;

    private static readonly Lazy<Bf16Speed> Cached = new(() => Measure(Size), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The measurement of this process (made on the first call).</summary>
    public static Bf16Speed Measured => Cached.Value;

    /// <summary>Median seconds of <see cref="Runs"/> products at <paramref name="n"/> in each precision, after a warm-up; seeded inputs.</summary>
    public static Bf16Speed Measure(int n)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var generator = new Generator(1);
        var a = randn([n, n], generator: generator);
        var b = randn([n, n], generator: generator);
        double fp32 = MedianSeconds(a, b, Runs);
        var a16 = a.to(ScalarType.BFloat16);
        var b16 = b.to(ScalarType.BFloat16);
        double first = MedianSeconds(a16, b16, 1);
        double bf16 = first > HopelessSeconds ? first : MedianSeconds(a16, b16, Runs);
        return new Bf16Speed(n, fp32, bf16);
    }

    private static double MedianSeconds(Tensor a, Tensor b, int runs)
    {
        a.matmul(b).Dispose(); // warm-up: kernel selection, first-call allocations
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            a.matmul(b).Dispose();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }
}
