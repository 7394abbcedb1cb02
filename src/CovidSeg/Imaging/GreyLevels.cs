namespace CovidSeg.Imaging;

/// <summary>
/// Maps the stored numbers of a <see cref="GreyImage"/> to display levels, per pixel in managed code. Used only to
/// write files and draw overlays; the tensor path (Data/Preprocessing) applies the same arithmetic with TorchSharp.
/// </summary>
public static class GreyLevels
{
    /// <summary>Lung window centre in Hounsfield units (a common radiology setting).</summary>
    public const double LungWindowLevel = -600;
    /// <summary>Lung window width in Hounsfield units: [-1350, 150] HU maps to [0, 1].</summary>
    public const double LungWindowWidth = 1500;
    /// <summary>Mediastinum (soft-tissue) window centre in Hounsfield units: consolidation and effusion against muscle.</summary>
    public const double MediastinumWindowLevel = 40;
    /// <summary>Mediastinum window width: [-160, 240] HU maps to [0, 1].</summary>
    public const double MediastinumWindowWidth = 400;

    /// <summary>
    /// A value in [0, 1]: 8-bit levels / 255, 16-bit levels / 65535, Hounsfield units through the window
    /// (value - (level - width / 2)) / width; clamped.
    /// </summary>
    public static double ToUnit(float value, IntensityScale scale, double windowLevel = LungWindowLevel, double windowWidth = LungWindowWidth)
    {
        double unit = scale switch
        {
            IntensityScale.Display8Bit => value / 255.0,
            IntensityScale.Display16Bit => value / 65535.0,
            IntensityScale.Hounsfield => (value - (windowLevel - windowWidth / 2)) / windowWidth,
            _ => throw new ArgumentOutOfRangeException(nameof(scale)),
        };
        return Math.Clamp(unit, 0.0, 1.0);
    }

    /// <summary>The image as 8-bit display levels, rounded to nearest.</summary>
    public static byte[] ToDisplay8(GreyImage image, double windowLevel = LungWindowLevel, double windowWidth = LungWindowWidth)
    {
        var bytes = new byte[image.Pixels.Length];
        for (int i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)Math.Round(ToUnit(image.Pixels[i], image.Scale, windowLevel, windowWidth) * 255.0, MidpointRounding.AwayFromZero);
        return bytes;
    }

    /// <summary>The image as 16-bit display levels, rounded to nearest (8-bit levels are multiplied by 257, exact).</summary>
    public static ushort[] ToDisplay16(GreyImage image, double windowLevel = LungWindowLevel, double windowWidth = LungWindowWidth)
    {
        var levels = new ushort[image.Pixels.Length];
        for (int i = 0; i < levels.Length; i++)
            levels[i] = (ushort)Math.Round(ToUnit(image.Pixels[i], image.Scale, windowLevel, windowWidth) * 65535.0, MidpointRounding.AwayFromZero);
        return levels;
    }
}
