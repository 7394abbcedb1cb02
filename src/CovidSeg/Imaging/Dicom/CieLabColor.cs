namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// sRGB to the CIELab encoding of Recommended Display CIELab Value (PS3.3 C.10.7.1.1): L* 0..100 and a*, b*
/// -128..127 scaled to 0..65535. The D65 white point is used, as DCMTK's IODCIELabUtil does (dcmqi, which 3D
/// Slicer uses for DICOM SEG, is built on DCMTK), so a viewer can show a segment in the colour of CovidSeg's overlays.
/// </summary>
public static class CieLabColor
{
    // D65 white in XYZ: the row sums of the matrix below, so sRGB white maps to a* = b* = 0 exactly.
    private const double WhiteX = 0.9504700, WhiteY = 1.0, WhiteZ = 1.0888300;

    public static ushort[] FromRgb(byte r, byte g, byte b)
    {
        double rl = Linear(r / 255.0), gl = Linear(g / 255.0), bl = Linear(b / 255.0);
        // sRGB (D65) to XYZ, IEC 61966-2-1.
        double x = 0.4124564 * rl + 0.3575761 * gl + 0.1804375 * bl;
        double y = 0.2126729 * rl + 0.7151522 * gl + 0.0721750 * bl;
        double z = 0.0193339 * rl + 0.1191920 * gl + 0.9503041 * bl;
        double fx = F(x / WhiteX), fy = F(y / WhiteY), fz = F(z / WhiteZ);
        double l = 116 * fy - 16, a = 500 * (fx - fy), bb = 200 * (fy - fz);
        return [Scale(l / 100), Scale((a + 128) / 255), Scale((bb + 128) / 255)];
    }

    private static double Linear(double c) => c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
    private static double F(double t) => t > 216.0 / 24389 ? Math.Cbrt(t) : (24389.0 / 27 * t + 16) / 116;
    private static ushort Scale(double unit) => (ushort)Math.Round(Math.Clamp(unit, 0, 1) * 65535);
}
