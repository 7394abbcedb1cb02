using System.Diagnostics;

namespace CovidSeg.Inference;

/// <summary>
/// Seconds spent in each stage of segmenting slices, summed over calls: preparing the network input (window, resize,
/// stack), the network itself (including softmax averaging for ensembles and flips), and bringing the scores back to
/// each slice's size as labels. libtorch runs synchronously on the CPU, so a stopwatch around a call is its cost.
/// Reports and the benchmark use it to tell the network's time from everything around it.
/// </summary>
public sealed class InferenceClock
{
    public double PrepareSeconds { get; private set; }
    public double NetworkSeconds { get; private set; }
    public double RestoreSeconds { get; private set; }
    public double TotalSeconds => PrepareSeconds + NetworkSeconds + RestoreSeconds;

    public void Reset() => PrepareSeconds = NetworkSeconds = RestoreSeconds = 0;

    internal T TimePrepare<T>(Func<T> work) => Time(work, s => PrepareSeconds += s);
    internal T TimeNetwork<T>(Func<T> work) => Time(work, s => NetworkSeconds += s);
    internal T TimeRestore<T>(Func<T> work) => Time(work, s => RestoreSeconds += s);

    private static T Time<T>(Func<T> work, Action<double> add)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            return work();
        }
        finally
        {
            add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }
}
