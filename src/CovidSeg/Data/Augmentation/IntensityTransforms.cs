using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CovidSeg.Data.Augmentation;

/// <summary>
/// Grey-level transforms of a prepared image (float [1, S, S], values in [0, 1]) that mimic other scanners, windows
/// and reconstructions. Each returns a new tensor clamped to [0, 1]; masks are never touched.
/// </summary>
public static class IntensityTransforms
{
    /// <summary>Gamma curve: v^gamma (gamma &lt; 1 brightens the dark lung, &gt; 1 darkens it).</summary>
    public static Tensor Gamma(Tensor image, double gamma)
    {
        if (!(gamma > 0) || double.IsInfinity(gamma)) throw new ArgumentOutOfRangeException(nameof(gamma), $"gamma must be positive, got {gamma}");
        return image.clamp(0.0, 1.0).pow(gamma);
    }

    /// <summary>Contrast about the image's own mean: mean + (v - mean) x factor.</summary>
    public static Tensor Contrast(Tensor image, double factor)
    {
        using var scope = NewDisposeScope();
        var mean = image.mean();
        return ((image - mean) * factor + mean).clamp(0.0, 1.0).MoveToOuterDisposeScope();
    }

    /// <summary>Brightness as a gain: v x factor.</summary>
    public static Tensor Gain(Tensor image, double factor) => (image * factor).clamp(0.0, 1.0);

    /// <summary>Additive Gaussian noise of standard deviation <paramref name="sigma"/>, drawn from a generator seeded by <paramref name="seed"/>.</summary>
    public static Tensor Noise(Tensor image, double sigma, long seed)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        var noise = randn(image.shape, dtype: image.dtype, generator: generator) * sigma;
        return (image + noise).clamp(0.0, 1.0).MoveToOuterDisposeScope();
    }

    /// <summary>Gaussian blur of standard deviation <paramref name="sigma"/> pixels (separable; borders reflected).</summary>
    public static Tensor Blur(Tensor image, double sigma)
    {
        if (!(sigma > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), $"sigma must be positive, got {sigma}");
        using var scope = NewDisposeScope();
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var weights = Enumerable.Range(-radius, 2 * radius + 1).Select(i => Math.Exp(-0.5 * i * i / (sigma * sigma))).ToArray();
        double total = weights.Sum();
        var kernel = tensor(weights.Select(w => (float)(w / total)).ToArray(), dtype: image.dtype);
        var padded = F.pad(image.unsqueeze(0), [radius, radius, radius, radius], PaddingModes.Reflect);
        var rows = F.conv2d(padded, kernel.view(1, 1, 1, -1));
        var both = F.conv2d(rows, kernel.view(1, 1, -1, 1));
        return both.squeeze(0).clamp(0.0, 1.0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A coarser acquisition: down-sampled by <paramref name="factor"/> (nearest), then up-sampled back bicubically.
    /// </summary>
    public static Tensor LowResolution(Tensor image, double factor)
    {
        if (!(factor >= 1)) throw new ArgumentOutOfRangeException(nameof(factor), $"factor must be at least 1, got {factor}");
        using var scope = NewDisposeScope();
        int height = (int)image.shape[^2], width = (int)image.shape[^1];
        int smallHeight = Math.Max(1, (int)Math.Round(height / factor)), smallWidth = Math.Max(1, (int)Math.Round(width / factor));
        var small = F.interpolate(image.unsqueeze(0), size: [smallHeight, smallWidth], mode: InterpolationMode.Nearest);
        var back = F.interpolate(small, size: [height, width], mode: InterpolationMode.Bicubic, align_corners: false);
        return back.squeeze(0).clamp(0.0, 1.0).MoveToOuterDisposeScope();
    }
}
