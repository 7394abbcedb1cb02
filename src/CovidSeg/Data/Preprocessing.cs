using CovidSeg.Imaging;
using TorchSharp;
using static TorchSharp.torch;
using CovidSeg.Runtime;

namespace CovidSeg.Data;

/// <summary>
/// The one path from slices to network tensors and back, shared by training and inference: intensities to [0, 1]
/// (Hounsfield units through a window, 8-bit / 255, 16-bit / 65535), resized to the paper's square side S
/// (369, Chen, Yao, Zhang 2020) by bilinear interpolation; masks resized by nearest neighbour. Non-square slices are
/// stretched to the square, as the paper resizes whole slices, and post-processing (<c>ScoreRestoration</c>) stretches the
/// network output back to the original height and width.
/// </summary>
public static class Preprocessing
{
    /// <summary>Image as float32 [1, S, S] with values in [0, 1].</summary>
    public static Tensor ImageToTensor(GreyImage image, PreprocessingOptions options)
    {
        options.Validate();
        using var pause = CollectionPause.Enter();
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
        using var pause = CollectionPause.Enter();
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
}
