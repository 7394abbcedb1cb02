using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CovidSeg.Data.Augmentation;

/// <summary>
/// Geometric and intensity transforms of a prepared pair (image float [1, S, S], mask int64 [S, S]), applied to
/// image and mask alike. Masks are only permuted, copied by nearest neighbour or padded with background (0), so they
/// keep exact label indices. Every method returns new tensors.
/// </summary>
public static class SliceTransforms
{
    /// <summary>
    /// Rotates by <paramref name="quarterTurns"/> x 90 degrees counter-clockwise as displayed (row 0 at the top),
    /// i.e. torch.rot90 over the last two dimensions; exact for any content.
    /// </summary>
    public static (Tensor Image, Tensor Mask) Rotate(Tensor image, Tensor mask, int quarterTurns)
    {
        int k = ((quarterTurns % 4) + 4) % 4;
        return (image.rot90(k, (-2, -1)), mask.rot90(k, (-2, -1)));
    }

    /// <summary>Mirrors left-right (the column order is reversed).</summary>
    public static (Tensor Image, Tensor Mask) FlipHorizontal(Tensor image, Tensor mask) =>
        (image.flip(-1), mask.flip(-1));

    /// <summary>
    /// Scales the content by <paramref name="factor"/> about the centre and keeps the side: the image is resized
    /// bilinearly (mask by nearest) to round(S x factor), then zero-padded around (factor &lt; 1; image 0 = black,
    /// mask 0 = background) or centre-cropped (factor &gt; 1) back to S x S.
    /// </summary>
    public static (Tensor Image, Tensor Mask) Scale(Tensor image, Tensor mask, double factor)
    {
        if (!(factor > 0) || double.IsInfinity(factor)) throw new ArgumentOutOfRangeException(nameof(factor), $"scale factor must be positive, got {factor}");
        using var scope = NewDisposeScope();
        int height = (int)image.shape[^2], width = (int)image.shape[^1];
        int newHeight = Math.Max(1, (int)Math.Round(height * factor, MidpointRounding.AwayFromZero));
        int newWidth = Math.Max(1, (int)Math.Round(width * factor, MidpointRounding.AwayFromZero));
        var scaledImage = Resampling.Bilinear(image, newHeight, newWidth);
        var scaledMask = Resampling.Nearest(mask, newHeight, newWidth);
        var outImage = FitCentre(scaledImage, height, width);
        var outMask = FitCentre(scaledMask, height, width);
        return (outImage.MoveToOuterDisposeScope(), outMask.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Contrast and brightness change of the image, image x contrast + brightness, clamped to [0, 1];
    /// the mask is returned as a copy.
    /// </summary>
    public static (Tensor Image, Tensor Mask) Intensity(Tensor image, Tensor mask, double contrast, double brightness) =>
        ((image * contrast + brightness).clamp(0.0, 1.0), mask.clone());

    /// <summary>Centre-crops or zero-pads the last two dimensions to height x width (extra pixel goes bottom/right).</summary>
    public static Tensor FitCentre(Tensor t, int height, int width)
    {
        using var scope = NewDisposeScope();
        var result = t;
        int h = (int)result.shape[^2], w = (int)result.shape[^1];
        if (h > height) result = result.narrow(-2, (h - height) / 2, height);
        if (w > width) result = result.narrow(-1, (w - width) / 2, width);
        h = (int)result.shape[^2];
        w = (int)result.shape[^1];
        if (h < height || w < width)
        {
            long top = (height - h) / 2, left = (width - w) / 2;
            long bottom = height - h - top, right = width - w - left;
            // pad works on float and integer tensors alike; the fill value 0 is black / background.
            bool needsBatch = result.dim() < 3;
            var padded = F.pad(needsBatch ? result.unsqueeze(0) : result, [left, right, top, bottom], PaddingModes.Constant, 0);
            result = needsBatch ? padded.squeeze(0) : padded;
        }
        return result.contiguous().clone().MoveToOuterDisposeScope();
    }
}
