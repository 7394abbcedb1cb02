using static TorchSharp.torch;

namespace CovidSeg.Data.Augmentation;

/// <summary>
/// One heavy random variant of a prepared sample (<see cref="HeavyAugmentationOptions"/>): quarter turn and mirror,
/// then one resampling through a free rotation, scale and elastic field (<see cref="SpatialWarp"/>), then grey-level
/// changes (<see cref="IntensityTransforms"/>). Every number is drawn from the given <see cref="Random"/> in a fixed
/// order before anything runs, so a seeded generator gives the same variant every run.
/// </summary>
public static class HeavyAugmentation
{
    public static PreparedSample Apply(PreparedSample sample, Random random, HeavyAugmentationOptions options)
    {
        options.Validate();
        int turns = random.Next(4);
        bool flip = random.NextDouble() < options.FlipProbability;
        double angle = random.NextDouble() < options.RotationProbability ? (2 * random.NextDouble() - 1) * options.MaxRotationDegrees * Math.PI / 180 : 0;
        double scale = random.NextDouble() < options.ScaleProbability ? LogUniform(random, options.ScaleMin, options.ScaleMax) : 1;
        float[]? elastic = random.NextDouble() < options.ElasticProbability
            ? Enumerable.Range(0, 2 * options.ElasticGrid * options.ElasticGrid).Select(_ => (float)(Normal(random) * options.ElasticSigma)).ToArray()
            : null;
        double? gamma = random.NextDouble() < options.GammaProbability ? LogUniform(random, 1 / options.GammaMax, options.GammaMax) : null;
        double? contrast = random.NextDouble() < options.ContrastProbability ? 1 + (2 * random.NextDouble() - 1) * options.ContrastRange : null;
        double? gain = random.NextDouble() < options.GainProbability ? 1 + (2 * random.NextDouble() - 1) * options.GainRange : null;
        double? noise = random.NextDouble() < options.NoiseProbability ? random.NextDouble() * options.NoiseMax : null;
        long noiseSeed = random.NextInt64();
        double? blur = random.NextDouble() < options.BlurProbability ? options.BlurMin + random.NextDouble() * (options.BlurMax - options.BlurMin) : null;
        double? lowResolution = random.NextDouble() < options.LowResolutionProbability ? 1 + random.NextDouble() * (options.LowResolutionMax - 1) : null;

        using var scope = NewDisposeScope();
        var (image, mask) = SliceTransforms.Rotate(sample.Image, sample.Mask, turns);
        if (flip) (image, mask) = SliceTransforms.FlipHorizontal(image, mask);
        if (angle != 0 || scale != 1 || elastic is not null)
        {
            var displacement = elastic is null ? null : tensor(elastic, [2, options.ElasticGrid, options.ElasticGrid]);
            (image, mask) = SpatialWarp.Apply(image, mask, angle, scale, displacement);
        }
        if (gamma is double g) image = IntensityTransforms.Gamma(image, g);
        if (contrast is double c) image = IntensityTransforms.Contrast(image, c);
        if (gain is double b) image = IntensityTransforms.Gain(image, b);
        if (noise is double n && n > 0) image = IntensityTransforms.Noise(image, n, noiseSeed);
        if (blur is double sigma) image = IntensityTransforms.Blur(image, sigma);
        if (lowResolution is double f && f > 1) image = IntensityTransforms.LowResolution(image, f);
        return new PreparedSample($"{sample.Id}#heavy", image.contiguous().MoveToOuterDisposeScope(), mask.contiguous().MoveToOuterDisposeScope());
    }

    private static double LogUniform(Random random, double min, double max) => Math.Exp(Math.Log(min) + random.NextDouble() * (Math.Log(max) - Math.Log(min)));

    // Box-Muller: System.Random has no normal draw.
    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
