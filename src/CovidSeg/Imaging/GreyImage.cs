namespace CovidSeg.Imaging;

/// <summary>How the numbers of a <see cref="GreyImage"/> are to be read.</summary>
public enum IntensityScale
{
    /// <summary>Display grey levels 0..255 (8-bit PNG/JPEG, already windowed).</summary>
    Display8Bit,
    /// <summary>Display grey levels 0..65535 (16-bit PNG).</summary>
    Display16Bit,
    /// <summary>CT attenuation in Hounsfield units (NIfTI after scl_slope/scl_inter); needs a window.</summary>
    Hounsfield,
}

/// <summary>
/// One 2D grey image, row-major (index = y * Width + x), with its intensity convention and, when known, the pixel
/// size in millimetres. Plain managed memory: it is the hand-off between file formats and tensor code.
/// </summary>
public sealed class GreyImage
{
    public int Width { get; }
    public int Height { get; }
    public float[] Pixels { get; }
    public IntensityScale Scale { get; }
    /// <summary>Pixel size (x, y) in mm, or null when the file does not say.</summary>
    public (double X, double Y)? SpacingMm { get; }

    public GreyImage(int width, int height, float[] pixels, IntensityScale scale, (double X, double Y)? spacingMm = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"image size must be positive, got {width}x{height}");
        if (pixels.Length != width * height) throw new ArgumentException($"expected {width * height} pixels, got {pixels.Length}");
        Width = width;
        Height = height;
        Pixels = pixels;
        Scale = scale;
        SpacingMm = spacingMm;
    }

    public float this[int x, int y] => Pixels[y * Width + x];
}
