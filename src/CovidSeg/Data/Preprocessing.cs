using CovidSeg.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Data;

/// <summary>
/// The one path from slices to network tensors and back, shared by training and inference: intensities to [0, 1]
/// (Hounsfield units through a window, 8-bit / 255, 16-bit / 65535), resized to the paper's square side S
/// (369, Chen, Yao, Zhang 2020) by bilinear interpolation; masks resized by nearest neighbour. Non-square slices are
/// stretched to the square, as the paper resizes whole slices, and <see cref="RestoreProbabilities"/> stretches the
/// network output back to the original height and width.
/// </summary>
public static class Preprocessing
{
    /// <summary>Image as float32 [1, S, S] with values in [0, 1].</summary>
    public static Tensor ImageToTensor(GreyImage image, PreprocessingOptions options)
    {
        options.Validate();
        using var scope = NewDisposeScope();
        var raw = tensor(image.Pixels, [1, image.Height, image.Width], float32);
        Tensor unit = image.Scale switch
        {
            IntensityScale.Display8Bit => raw / 255f,
            IntensityScale.Display16Bit => raw / 65535f,
            // Double arithmetic then float32, so round window values (e.g. -600/1500) give exact results.
            IntensityScale.Hounsfield => ((raw.to(float64) - (options.WindowLevel - options.WindowWidth / 2)) / options.WindowWidth).to(float32),
            _ => throw new ArgumentOutOfRangeException(nameof(image), $"unknown intensity scale {image.Scale}"),
        };
        unit = unit.clamp(0f, 1f);
        return Resampling.Bilinear(unit, options.Side, options.Side).MoveToOuterDisposeScope();
    }

    /// <summary>Mask as int64 [S, S] of label indices.</summary>
    public static Tensor MaskToTensor(LabelMask mask, PreprocessingOptions options)
    {
        options.Validate();
        using var scope = NewDisposeScope();
        var labels = tensor(mask.Labels, [mask.Height, mask.Width], uint8).to(int64);
        return Resampling.Nearest(labels, options.Side, options.Side).MoveToOuterDisposeScope();
    }

    /// <summary>Both tensors of one sample, for training or evaluation.</summary>
    public static PreparedSample Prepare(SegmentationSample sample, PreprocessingOptions options) =>
        new(sample.Id, ImageToTensor(sample.Image, options), MaskToTensor(sample.Mask, options));

    /// <summary>Loads and prepares the given samples of a data set, in the given order.</summary>
    public static List<PreparedSample> Prepare(ISegmentationDataset dataset, IEnumerable<int> indices, PreprocessingOptions options)
    {
        var prepared = new List<PreparedSample>();
        try
        {
            foreach (int i in indices) prepared.Add(Prepare(dataset.Load(i), options));
        }
        catch
        {
            foreach (var p in prepared) p.Dispose();
            throw;
        }
        return prepared;
    }

    /// <summary>
    /// Per-class probabilities float32 [C, height, width] from a network map [C, S, S] or [1, C, S, S]: softmax over
    /// classes for logits, then bilinear resize of the probabilities (align_corners = false).
    /// </summary>
    public static Tensor RestoreProbabilities(Tensor scores, int height, int width, ScoreKind kind)
    {
        if (height < 1 || width < 1) throw new ArgumentException($"target size must be positive, got {width}x{height}");
        using var scope = NewDisposeScope();
        var map = scores.dim() == 4 && scores.shape[0] == 1 ? scores.squeeze(0) : scores;
        if (map.dim() != 3) throw new ArgumentException($"expected a [C, H, W] or [1, C, H, W] score map, got shape [{string.Join(", ", scores.shape)}]");
        map = map.to(float32);
        var probabilities = kind == ScoreKind.Logits ? map.softmax(dim: 0) : map;
        return Resampling.Bilinear(probabilities, height, width).MoveToOuterDisposeScope();
    }

    /// <summary>The label map at the original size: argmax over classes of <see cref="RestoreProbabilities"/>.</summary>
    public static LabelMask RestoreLabels(Tensor scores, int height, int width, ScoreKind kind)
    {
        using var scope = NewDisposeScope();
        var labels = ClassArgmax.Labels(RestoreProbabilities(scores, height, width, kind)).contiguous();
        return new LabelMask(width, height, labels.bytes.ToArray());
    }
}
