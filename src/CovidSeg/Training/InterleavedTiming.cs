using System.Diagnostics;

namespace CovidSeg.Training;

/// <summary>Times two actions in turns, so that load from other processes on a shared machine falls on both alike.</summary>
public static class InterleavedTiming
{
    /// <summary>The fastest of <paramref name="rounds"/> runs of each, in seconds (the fastest is the least disturbed).</summary>
    public static (double First, double Second) Fastest(Action first, Action second, int rounds)
    {
        double a = double.MaxValue, b = double.MaxValue;
        for (int r = 0; r < rounds; r++)
        {
            long start = Stopwatch.GetTimestamp();
            first();
            a = Math.Min(a, Stopwatch.GetElapsedTime(start).TotalSeconds);
            start = Stopwatch.GetTimestamp();
            second();
            b = Math.Min(b, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return (a, b);
    }
}
