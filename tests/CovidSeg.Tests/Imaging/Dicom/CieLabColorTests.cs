using CovidSeg.Imaging.Dicom;

namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>
/// sRGB to DICOM CIELab (D65): white is L* 100, a* = b* = 0; pure red is L* 53.24, a* 80.09, b* 67.20, the
/// published sRGB/D65 value; each scaled to 0..65535 as PS3.3 C.10.7.1.1 encodes them.
/// </summary>
public class CieLabColorTests
{
    private static (double L, double A, double B) Decode(ushort[] lab) =>
        (lab[0] * 100.0 / 65535, lab[1] * 255.0 / 65535 - 128, lab[2] * 255.0 / 65535 - 128);

    [Fact]
    public void WhiteIsNeutral()
    {
        Assert.Equal([65535, 32896, 32896], CieLabColor.FromRgb(255, 255, 255));
    }

    [Fact]
    public void PureRed()
    {
        var (l, a, b) = Decode(CieLabColor.FromRgb(255, 0, 0));
        Assert.Equal(53.24, l, 0.01);
        Assert.Equal(80.09, a, 0.01);
        Assert.Equal(67.20, b, 0.01);
    }

    [Fact]
    public void BlackIsZeroLightness()
    {
        Assert.Equal([0, 32896, 32896], CieLabColor.FromRgb(0, 0, 0));
    }
}
