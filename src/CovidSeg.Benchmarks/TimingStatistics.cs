using System.Diagnostics;

namespace CovidSeg.Benchmarks;

/// <summary>
/// Wall-clock seconds of repeated runs of one measured operation: the median (what the benchmark quotes, robust to
/// the odd run slowed by another process on a shared machine) and the fastest and slowest run (the spread).
/// </summary>
public sealed record TimingStatistics(double Median, double Min, double Max, int Runs)
{
    /// <summary>(slowest - fastest) / median: 0.05 means the runs lay within 5% of the median's size.</summary>
    public double RelativeSpread => Median > 0 ? (Max - Min) / Median : 0;

    /// <summary>Statistics of the given run times (at least one).</summary>
    public static TimingStatistics Of(IReadOnlyList<double> seconds)
    {
        if (seconds.Count == 0) throw new ArgumentException("no runs to summarise", nameof(seconds));
        return new TimingStatistics(MedianOf(seconds), seconds.Min(), seconds.Max(), seconds.Count);
    }

    /// <summary>The middle value (the mean of the middle two for an even count) of at least one value.</summary>
    public static double MedianOf(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        var sorted = values.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>
    /// Runs <paramref name="operation"/> <paramref name="warmups"/> times untimed (first-call allocations, oneDNN
    /// kernel selection), then <paramref name="runs"/> times timed, each run on its own.
    /// </summary>
    public static TimingStatistics Measure(Action operation, int warmups, int runs)
    {
        if (runs < 1) throw new ArgumentOutOfRangeException(nameof(runs), runs, "at least one timed run");
        for (int i = 0; i < warmups; i++) operation();
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            operation();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return Of(times);
    }
}
