using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CovidSeg.Data.Augmentation;

/// <summary>
/// One resampling of a prepared pair (image float [1, S, S], mask int64 [S, S]) through a rotation, an isotropic scale
/// about the centre and an optional smooth displacement field (elastic deformation), so the three cost one
/// interpolation instead of three. The image is sampled bilinearly, the mask by nearest neighbour, so it keeps exact
/// label indices; points that come from outside the slice are black and background.
/// </summary>
public static class SpatialWarp
{
    /// <param name="angleRadians">Rotation of the content, counter-clockwise as displayed (row 0 at the top).</param>
    /// <param name="scale">Content magnification: 2 shows the central half of the slice at twice the size.</param>
    /// <param name="displacement">Null, or float [2, gh, gw]: offsets (x then y, in units of the half side) on a coarse grid of
    /// control points, upsampled bicubically to every pixel.</param>
    public static (Tensor Image, Tensor Mask) Apply(Tensor image, Tensor mask, double angleRadians, double scale, Tensor? displacement = null)
    {
        if (!(scale > 0) || double.IsInfinity(scale)) throw new ArgumentOutOfRangeException(nameof(scale), $"scale must be positive, got {scale}");
        using var scope = NewDisposeScope();
        int height = (int)image.shape[^2], width = (int)image.shape[^1];
        // affine_grid maps each output pixel (x right, y down) to the input point it reads: the inverse of the content's
        // motion. Turning content counter-clockwise as displayed, with y growing downwards, moves (x, y) to
        // (x cos + y sin, -x sin + y cos); its inverse, divided by the magnification, is the matrix below
        // (a test holds it to the exact quarter turn).
        double c = Math.Cos(angleRadians) / scale, s = Math.Sin(angleRadians) / scale;
        var theta = tensor(new float[] { (float)c, (float)-s, 0f, (float)s, (float)c, 0f }, [1, 2, 3]);
        var grid = F.affine_grid(theta, [1, 1, height, width], align_corners: false);
        if (displacement is not null)
        {
            var field = F.interpolate(displacement.to(float32).unsqueeze(0), size: [height, width], mode: InterpolationMode.Bicubic, align_corners: true);
            grid = grid + field.permute(0, 2, 3, 1);
        }
        var warpedImage = F.grid_sample(image.unsqueeze(0), grid, mode: GridSampleMode.Bilinear, padding_mode: GridSamplePaddingMode.Zeros, align_corners: false).squeeze(0);
        var warpedMask = F.grid_sample(mask.to(float32).unsqueeze(0).unsqueeze(0), grid, mode: GridSampleMode.Nearest, padding_mode: GridSamplePaddingMode.Zeros, align_corners: false)
            .squeeze(0).squeeze(0).round().to(mask.dtype);
        return (warpedImage.contiguous().MoveToOuterDisposeScope(), warpedMask.contiguous().MoveToOuterDisposeScope());
    }
}
