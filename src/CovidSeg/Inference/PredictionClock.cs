using System.Diagnostics;

namespace CovidSeg.Inference;

/// <summary>Collects <see cref="PredictionTimings"/>: each <see cref="Lap"/> charges the time since the previous lap to one step.</summary>
internal sealed class PredictionClock
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _last;
    private double _read, _segmentation, _lungMask, _overlays, _quantificationAndWrite;

    public enum Step { Read, Segmentation, LungMask, Overlays, QuantificationAndWrite }

    /// <summary>Adds the seconds since the previous lap (or the start) to <paramref name="step"/>.</summary>
    public void Lap(Step step)
    {
        double now = _clock.Elapsed.TotalSeconds, span = now - _last;
        _last = now;
        switch (step)
        {
            case Step.Read: _read += span; break;
            case Step.Segmentation: _segmentation += span; break;
            case Step.LungMask: _lungMask += span; break;
            case Step.Overlays: _overlays += span; break;
            case Step.QuantificationAndWrite: _quantificationAndWrite += span; break;
        }
    }

    public PredictionTimings Timings() => new(_read, _segmentation, _lungMask, _overlays, _quantificationAndWrite, _last);
}
