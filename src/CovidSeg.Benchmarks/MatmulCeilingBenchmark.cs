using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Benchmarks;

/// <summary>One size's matrix-product rate: <see cref="Seconds"/> are per product, each timed run having chained
/// <see cref="ProductsPerRun"/> products so that it lasted at least <see cref="MatmulCeilingBenchmark.MinSecondsPerRun"/>.</summary>
public sealed record MatmulRate(int Size, int ProductsPerRun, TimingStatistics Seconds)
{
    public double Gflops => 2.0 * Size * Size * (double)Size / Seconds.Median / 1e9;
}

/// <summary>The best matrix-product rate libtorch reaches here in one precision: the ceiling other rows are a fraction
/// of. <see cref="Size"/> and <see cref="Seconds"/> are the best size's; <see cref="Tried"/> holds every size measured.</summary>
public sealed record MatmulCeiling(string Precision, int Size, TimingStatistics Seconds, int ProductsPerRun, IReadOnlyList<MatmulRate> Tried)
{
    public double Gflops => 2.0 * Size * Size * (double)Size / Seconds.Median / 1e9;
}

/// <summary>
/// Square matrix products (n x n times n x n, 2n³ FLOPs) in float32 and bfloat16 on libtorch's threads, at several
/// sizes; the ceiling is the best size's median rate. Each timed run repeats the product until it lasts at least
/// <see cref="MinSecondsPerRun"/>: a single 512² product takes milliseconds, where one scheduler tick on a shared
/// machine swings the rate by half (docs/benchmarks.md).
/// A precision the CPU has no fast kernels for (bfloat16 without AVX-512 BF16 or AMX) is found out by its first
/// product and not grown further, so its ceiling costs a second, not an hour.
/// </summary>
public static class MatmulCeilingBenchmark
{
    public const double MinSecondsPerRun = 0.2;
    public static readonly int[] Sizes = [512, 1024, 2048];
    /// <summary>A first product slower than this is no useful kernel: it alone is the measurement.</summary>
    private const double HopelessSeconds = 1.0;

    public static MatmulCeiling Measure(ScalarType dtype, int runs, long seed = 1, int maxSize = 2048)
    {
        var tried = new List<MatmulRate>();
        foreach (int n in Sizes.Where(s => s <= maxSize).DefaultIfEmpty(Math.Min(maxSize, Sizes[0])))
        {
            using var scope = NewDisposeScope();
            var generator = new Generator((ulong)seed);
            var a = randn([n, n], generator: generator).to(dtype);
            var b = randn([n, n], generator: generator).to(dtype);
            var probe = TimingStatistics.Measure(() => a.matmul(b).Dispose(), warmups: 1, runs: 1);
            if (probe.Median > HopelessSeconds)
            {
                tried.Add(new MatmulRate(n, 1, probe));
                break;
            }
            int repeats = Calibrate(() => a.matmul(b).Dispose(), probe.Median);
            var perRun = TimeRuns(a, b, repeats, runs);
            // The machine may speed up after calibration (another process finishing): then repeat longer, up to twice.
            for (int retry = 0; retry < 2 && perRun.Min < MinSecondsPerRun; retry++)
            {
                repeats = (int)Math.Min(100_000, Math.Ceiling(repeats * 1.25 * MinSecondsPerRun / Math.Max(perRun.Min, 1e-6)));
                perRun = TimeRuns(a, b, repeats, runs);
            }
            tried.Add(new MatmulRate(n, repeats, new TimingStatistics(perRun.Median / repeats, perRun.Min / repeats, perRun.Max / repeats, perRun.Runs)));
        }
        var best = tried.MaxBy(r => r.Gflops)!;
        return new MatmulCeiling(Name(dtype), best.Size, best.Seconds, best.ProductsPerRun, tried);
    }

    private static TimingStatistics TimeRuns(Tensor a, Tensor b, int repeats, int runs) => TimingStatistics.Measure(() =>
    {
        for (int i = 0; i < repeats; i++) a.matmul(b).Dispose();
    }, warmups: 0, runs: runs);

    /// <summary>
    /// How many products make one run last at least <see cref="MinSecondsPerRun"/>: grown from the first product's
    /// time until an (untimed) run of that many does, since one product's time on a busy machine can mislead either way.
    /// </summary>
    private static int Calibrate(Action product, double firstSeconds)
    {
        int repeats = (int)Math.Clamp(Math.Ceiling(MinSecondsPerRun / Math.Max(firstSeconds, 1e-6)), 1, 100_000);
        while (repeats < 100_000)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int i = 0; i < repeats; i++) product();
            double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (seconds >= MinSecondsPerRun) break;
            // 25% margin, so a slightly faster timed run still lasts long enough
            repeats = (int)Math.Min(100_000, Math.Max(repeats + 1, Math.Ceiling(repeats * 1.25 * MinSecondsPerRun / Math.Max(seconds, 1e-6))));
        }
        return repeats;
    }

    public static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "fp32",
        ScalarType.BFloat16 => "bf16",
        ScalarType.Float16 => "fp16",
        _ => dtype.ToString(),
    };
}
