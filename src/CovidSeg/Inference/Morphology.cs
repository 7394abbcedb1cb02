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
    /// <summary>Morphological closing of a row-major 0/1 mask; a new array.</summary>
    public static byte[] Close(byte[] mask, int width, int height, int radius)
    {
        if ((long)width * height != mask.Length) throw new ArgumentException($"a {width}x{height} mask needs {width * height} pixels, got {mask.Length}");
        if (radius < 1) return (byte[])mask.Clone();
        using var scope = NewDisposeScope();
        var disk = Disk(radius);
        float area = disk.sum().item<float>();
        var m = tensor(mask, [1, 1, height, width], uint8).to(float32).clamp_max(1f);
        m = F.pad(m, [radius, radius, radius, radius], PaddingModes.Zeros, 0);
        // Counts are small integers, exact in float32.
        var dilated = F.conv2d(m, disk, padding: [radius, radius]).gt(0.5f).to(float32);
        var closed = F.conv2d(dilated, disk, padding: [radius, radius]).gt(area - 0.5f);
        closed = closed.narrow(2, radius, height).narrow(3, radius, width);
        return closed.to(uint8).flatten().data<byte>().ToArray();
    }

    /// <summary>Morphological opening (erosion then dilation) of a row-major 0/1 mask; a new array. It removes
    /// structures thinner than the disk, such as the CT table touching the body.</summary>
    public static byte[] Open(byte[] mask, int width, int height, int radius)
    {
        if ((long)width * height != mask.Length) throw new ArgumentException($"a {width}x{height} mask needs {width * height} pixels, got {mask.Length}");
        if (radius < 1) return (byte[])mask.Clone();
        using var scope = NewDisposeScope();
        var disk = Disk(radius);
        float area = disk.sum().item<float>();
        var m = tensor(mask, [1, 1, height, width], uint8).to(float32).clamp_max(1f);
        m = F.pad(m, [radius, radius, radius, radius], PaddingModes.Zeros, 0);
        var eroded = F.conv2d(m, disk, padding: [radius, radius]).gt(area - 0.5f).to(float32);
        var opened = F.conv2d(eroded, disk, padding: [radius, radius]).gt(0.5f);
        opened = opened.narrow(2, radius, height).narrow(3, radius, width);
        return opened.to(uint8).flatten().data<byte>().ToArray();
    }

    /// <summary>The disk as a [1, 1, 2r+1, 2r+1] float kernel of ones and zeros.</summary>
    private static Tensor Disk(int radius)
    {
        var offsets = arange(-radius, radius + 1, dtype: float32);
        var d2 = offsets.unsqueeze(1).pow(2) + offsets.unsqueeze(0).pow(2);
        return d2.le(radius * radius).to(float32).unsqueeze(0).unsqueeze(0);
    }
}
