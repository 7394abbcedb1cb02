using System.Diagnostics;

namespace CovidSeg.Inference;

/// <summary>Collects <see cref="PredictionTimings"/>: each <see cref="Lap"/> charges the time since the previous lap to one step.</summary>
internal sealed class PredictionClock
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private double last;
    private double read, segmentation, lungMask, overlays, quantificationAndWrite;

    public enum Step { Read, Segmentation, LungMask, Overlays, QuantificationAndWrite }

    /// <summary>Adds the seconds since the previous lap (or the start) to <paramref name="step"/>.</summary>
    public void Lap(Step step)
    {
        double now = clock.Elapsed.TotalSeconds, span = now - last;
        last = now;
        switch (step)
        {
            case Step.Read: read += span; break;
            case Step.Segmentation: segmentation += span; break;
            case Step.LungMask: lungMask += span; break;
            case Step.Overlays: overlays += span; break;
            case Step.QuantificationAndWrite: quantificationAndWrite += span; break;
        }
    }

    public PredictionTimings Timings() => new(read, segmentation, lungMask, overlays, quantificationAndWrite, last);
}
