using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CovidSeg.Inference;

/// <summary>
/// Binary morphology with a disk (Euclidean radius r: the pixels with dx² + dy² &lt;= r²), through libtorch:
/// a pixel's dilation counts its disk neighbours in the mask with a 2D convolution. Closing is dilation then
/// erosion, opening the reverse; the mask is padded by r pixels of background first, so the image border neither adds nor removes pixels.
/// </summary>
public static class Morphology
{
    /// <summary>Morphological closing (dilation then erosion) of a row-major 0/1 mask; a new array.</summary>
    public static byte[] Close(byte[] mask, int width, int height, int radius) => Apply(mask, width, height, radius, dilateFirst: true);

    /// <summary>Morphological opening (erosion then dilation) of a row-major 0/1 mask; a new array. It removes
    /// structures thinner than the disk, such as the CT table touching the body.</summary>
    public static byte[] Open(byte[] mask, int width, int height, int radius) => Apply(mask, width, height, radius, dilateFirst: false);

    private static byte[] Apply(byte[] mask, int width, int height, int radius, bool dilateFirst)
    {
        if ((long)width * height != mask.Length) throw new ArgumentException($"a {width}x{height} mask needs {width * height} pixels, got {mask.Length}");
        if (radius < 1) return (byte[])mask.Clone();
        using var scope = NewDisposeScope();
        var disk = Disk(radius);
        // Counts of covered pixels are small integers, exact in float32: dilation keeps any, erosion needs all.
        float area = disk.sum().item<float>();
        float first = dilateFirst ? 0.5f : area - 0.5f, second = dilateFirst ? area - 0.5f : 0.5f;
        var m = tensor(mask, [1, 1, height, width], uint8).to(float32).clamp_max(1f);
        m = F.pad(m, [radius, radius, radius, radius], PaddingModes.Zeros, 0);
        var once = F.conv2d(m, disk, padding: [radius, radius]).gt(first).to(float32);
        var twice = F.conv2d(once, disk, padding: [radius, radius]).gt(second);
        return twice.narrow(2, radius, height).narrow(3, radius, width).to(uint8).flatten().data<byte>().ToArray();
    }

    /// <summary>The disk as a [1, 1, 2r+1, 2r+1] float kernel of ones and zeros.</summary>
    private static Tensor Disk(int radius)
    {
        var offsets = arange(-radius, radius + 1, dtype: float32);
        var d2 = offsets.unsqueeze(1).pow(2) + offsets.unsqueeze(0).pow(2);
        return d2.le(radius * radius).to(float32).unsqueeze(0).unsqueeze(0);
    }
}
