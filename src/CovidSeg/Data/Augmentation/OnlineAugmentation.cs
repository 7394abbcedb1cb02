using static TorchSharp.torch;

namespace CovidSeg.Data.Augmentation;

/// <summary>
/// One random variant of a prepared sample: quarter turn, left-right mirror, scale about the centre (pad or crop back
/// to the side), then contrast/brightness jitter of the image. All draws come from the given <see cref="Random"/>
/// in a fixed order, so a seeded generator gives the same variant every run.
/// </summary>
public static class OnlineAugmentation
{
    public static PreparedSample Apply(PreparedSample sample, Random random, OnlineAugmentationOptions options)
    {
        options.Validate();
        // Draw everything first: the sequence of random numbers must not depend on which transforms run.
        int turns = random.Next(4);
        bool flip = random.NextDouble() < options.FlipProbability;
        double scale = options.ScaleMin + random.NextDouble() * (options.ScaleMax - options.ScaleMin);
        double contrast = 1 + (2 * random.NextDouble() - 1) * options.ContrastJitter;
        double brightness = (2 * random.NextDouble() - 1) * options.BrightnessJitter;

        using var scope = NewDisposeScope();
        var (image, mask) = options.QuarterTurns ? SliceTransforms.Rotate(sample.Image, sample.Mask, turns) : (sample.Image.clone(), sample.Mask.clone());
        if (flip) (image, mask) = SliceTransforms.FlipHorizontal(image, mask);
        if (scale != 1.0) (image, mask) = SliceTransforms.Scale(image, mask, scale);
        if (options.ContrastJitter > 0 || options.BrightnessJitter > 0) (image, mask) = SliceTransforms.Intensity(image, mask, contrast, brightness);
        return new PreparedSample($"{sample.Id}#online", image.contiguous().MoveToOuterDisposeScope(), mask.contiguous().MoveToOuterDisposeScope());
    }
}
