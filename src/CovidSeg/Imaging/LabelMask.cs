namespace CovidSeg.Imaging;

/// <summary>A 2D map of class indices (0 = background), row-major, the same layout as <see cref="GreyImage"/>.</summary>
public sealed class LabelMask
{
    public int Width { get; }
    public int Height { get; }
    public byte[] Labels { get; }

    public LabelMask(int width, int height, byte[] labels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"mask size must be positive, got {width}x{height}");
        if (labels.Length != width * height) throw new ArgumentException($"expected {width * height} labels, got {labels.Length}");
        Width = width;
        Height = height;
        Labels = labels;
    }

    public byte this[int x, int y] => Labels[y * Width + x];

    /// <summary>Number of pixels of each class 0..classCount-1.</summary>
    public long[] CountPerClass(int classCount)
    {
        var counts = new long[classCount];
        foreach (byte b in Labels)
            if (b < classCount) counts[b]++;
        return counts;
    }
}
