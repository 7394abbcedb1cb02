using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CovidSeg.Data;

/// <summary>
/// The two resizes used everywhere (preprocessing, augmentation, inference), so training and inference resample
/// identically: bilinear with align_corners = false for intensities and probabilities, nearest for label maps
/// (labels are copied, never blended, so they stay exact indices).
/// </summary>
public static class Resampling
{
    /// <summary>Bilinear resize of a float [C, H, W] tensor to [C, height, width].</summary>
    public static Tensor Bilinear(Tensor channels, int height, int width)
    {
        RequireRank(channels, 3, "[C, H, W]");
        using var scope = NewDisposeScope();
        Tensor result = channels.shape[1] == height && channels.shape[2] == width
            ? channels.clone()
            : F.interpolate(channels.unsqueeze(0), size: [height, width], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(0);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Nearest-neighbour resize of an integer [H, W] label map to [height, width], same dtype.</summary>
    public static Tensor Nearest(Tensor labels, int height, int width)
    {
        RequireRank(labels, 2, "[H, W]");
        using var scope = NewDisposeScope();
        Tensor result = labels.shape[0] == height && labels.shape[1] == width
            ? labels.clone()
            // float32 holds label indices exactly (< 2^24); nearest only copies values.
            : F.interpolate(labels.to(float32).unsqueeze(0).unsqueeze(0), size: [height, width], mode: InterpolationMode.Nearest)
                .squeeze(0).squeeze(0).to(labels.dtype);
        return result.MoveToOuterDisposeScope();
    }

    private static void RequireRank(Tensor t, int rank, string layout)
    {
        if (t.dim() != rank) throw new ArgumentException($"expected a {layout} tensor, got shape [{string.Join(", ", t.shape)}]");
    }
}
