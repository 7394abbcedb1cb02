namespace CovidSeg.Data.Augmentation;

/// <summary>
/// Ranges of the online random augmentation (our alternative to the paper's fixed expansion).
/// </summary>
/// <param name="QuarterTurns">Rotate by a uniformly drawn multiple of 90 degrees.</param>
/// <param name="FlipProbability">Chance of a left-right mirror.</param>
/// <param name="ScaleMin">Smallest scale factor (drawn uniformly in [ScaleMin, ScaleMax]).</param>
/// <param name="ScaleMax">Largest scale factor.</param>
/// <param name="ContrastJitter">Contrast factor drawn in [1 - c, 1 + c].</param>
/// <param name="BrightnessJitter">Brightness offset drawn in [-b, b] (image values are in [0, 1]).</param>
public sealed record OnlineAugmentationOptions(
    bool QuarterTurns = true,
    double FlipProbability = 0.5,
    double ScaleMin = 0.8,
    double ScaleMax = 1.2,
    double ContrastJitter = 0.1,
    double BrightnessJitter = 0.05)
{
    public OnlineAugmentationOptions Validate()
    {
        if (FlipProbability is < 0 or > 1) throw new CovidSegException($"flip probability must be in [0, 1], got {FlipProbability}");
        if (!(ScaleMin > 0) || ScaleMax < ScaleMin) throw new CovidSegException($"scale range must satisfy 0 < min <= max, got [{ScaleMin}, {ScaleMax}]");
        if (ContrastJitter is < 0 or >= 1) throw new CovidSegException($"contrast jitter must be in [0, 1), got {ContrastJitter}");
        if (BrightnessJitter is < 0 or > 1) throw new CovidSegException($"brightness jitter must be in [0, 1], got {BrightnessJitter}");
        return this;
    }
}
