namespace CovidSeg.Data.Augmentation;

/// <summary>
/// Ranges and probabilities of the heavy random augmentation (<see cref="AugmentationMode.Heavy"/>), after the
/// default data augmentation of nnU-Net (Isensee et al. 2021): on top of the online mode's quarter turns and mirror,
/// a free rotation, a wider scale, elastic deformation and grey-level changes that mimic other scanners and windows.
/// Each transform runs with its own probability, so some samples stay close to the original.
/// </summary>
/// <param name="RotationProbability">Chance of a free rotation, angle drawn uniformly in [-MaxRotationDegrees, MaxRotationDegrees].</param>
/// <param name="ScaleProbability">Chance of a scale drawn log-uniformly in [ScaleMin, ScaleMax].</param>
/// <param name="ElasticProbability">Chance of an elastic deformation: Gaussian offsets of standard deviation ElasticSigma
/// (in half sides) on an ElasticGrid x ElasticGrid lattice of control points, interpolated bicubically.</param>
/// <param name="GammaProbability">Chance of a gamma curve, gamma log-uniform in [1 / GammaMax, GammaMax].</param>
/// <param name="ContrastProbability">Chance of a contrast change about the mean, factor uniform in [1 - ContrastRange, 1 + ContrastRange].</param>
/// <param name="GainProbability">Chance of a brightness gain, factor uniform in [1 - GainRange, 1 + GainRange].</param>
/// <param name="NoiseProbability">Chance of Gaussian noise, standard deviation uniform in [0, NoiseMax].</param>
/// <param name="BlurProbability">Chance of a Gaussian blur, sigma uniform in [BlurMin, BlurMax] pixels.</param>
/// <param name="LowResolutionProbability">Chance of a coarser acquisition, factor uniform in [1, LowResolutionMax].</param>
public sealed record HeavyAugmentationOptions(
    double FlipProbability = 0.5,
    double RotationProbability = 0.5,
    double MaxRotationDegrees = 30,
    double ScaleProbability = 0.5,
    double ScaleMin = 0.7,
    double ScaleMax = 1.4,
    double ElasticProbability = 0.2,
    int ElasticGrid = 6,
    double ElasticSigma = 0.03,
    double GammaProbability = 0.3,
    double GammaMax = 1.5,
    double ContrastProbability = 0.15,
    double ContrastRange = 0.25,
    double GainProbability = 0.15,
    double GainRange = 0.25,
    double NoiseProbability = 0.15,
    double NoiseMax = 0.03,
    double BlurProbability = 0.2,
    double BlurMin = 0.5,
    double BlurMax = 1.0,
    double LowResolutionProbability = 0.25,
    double LowResolutionMax = 2.0)
{
    public HeavyAugmentationOptions Validate()
    {
        foreach (var (name, p) in new[] { ("flip", FlipProbability), ("rotation", RotationProbability), ("scale", ScaleProbability), ("elastic", ElasticProbability),
                     ("gamma", GammaProbability), ("contrast", ContrastProbability), ("gain", GainProbability), ("noise", NoiseProbability),
                     ("blur", BlurProbability), ("low-resolution", LowResolutionProbability) })
            if (p is < 0 or > 1) throw new CovidSegException($"{name} probability must be in [0, 1], got {p}");
        if (MaxRotationDegrees is < 0 or > 180) throw new CovidSegException($"rotation range must be in [0, 180] degrees, got {MaxRotationDegrees}");
        if (!(ScaleMin > 0) || ScaleMax < ScaleMin) throw new CovidSegException($"scale range must satisfy 0 < min <= max, got [{ScaleMin}, {ScaleMax}]");
        if (ElasticGrid < 2 || ElasticSigma < 0) throw new CovidSegException($"elastic grid must be at least 2 and sigma non-negative, got {ElasticGrid} and {ElasticSigma}");
        if (!(GammaMax >= 1)) throw new CovidSegException($"gamma range must be at least 1, got {GammaMax}");
        if (ContrastRange is < 0 or >= 1 || GainRange is < 0 or >= 1) throw new CovidSegException($"contrast and gain ranges must be in [0, 1), got {ContrastRange} and {GainRange}");
        if (NoiseMax < 0) throw new CovidSegException($"noise level must be non-negative, got {NoiseMax}");
        if (!(BlurMin > 0) || BlurMax < BlurMin) throw new CovidSegException($"blur range must satisfy 0 < min <= max, got [{BlurMin}, {BlurMax}]");
        if (!(LowResolutionMax >= 1)) throw new CovidSegException($"low-resolution factor must be at least 1, got {LowResolutionMax}");
        return this;
    }
}
