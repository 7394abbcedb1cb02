using CovidSeg.Data;
using CovidSeg.Imaging;
using SkiaSharp;

namespace CovidSeg.Tests.Imaging;

public class OverlayTests
{
    private static (GreyImage Image, LabelMask Mask) Flat(int side, byte grey, Func<int, int, byte> label)
    {
        var image = new GreyImage(side, side, Enumerable.Repeat((float)grey, side * side).ToArray(), IntensityScale.Display8Bit);
        var labels = new byte[side * side];
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++) labels[y * side + x] = label(x, y);
        return (image, new LabelMask(side, side, labels));
    }

    private static (byte R, byte G, byte B) Pixel(byte[] rgb, int width, int x, int y) =>
        (rgb[3 * (y * width + x)], rgb[3 * (y * width + x) + 1], rgb[3 * (y * width + x) + 2]);

    [Fact]
    public void BlendsClassColoursAndKeepsBackgroundGrey()
    {
        var (image, mask) = Flat(4, 100, (x, _) => (byte)(x % 3));
        byte[] rgb = Overlay.Render(image, mask, LabelSet.SemiSeg, new OverlayOptions(Alpha: 0.5, Legend: false));
        Assert.Equal(4 * 4 * 3, rgb.Length);
        Assert.Equal(((byte)100, (byte)100, (byte)100), Pixel(rgb, 4, 0, 0));
        // GGO (46, 204, 113) half over grey 100: round(73), round(152), round(106.5) = 107.
        Assert.Equal(((byte)73, (byte)152, (byte)107), Pixel(rgb, 4, 1, 2));
        // Consolidation (241, 196, 15): 170.5 -> 171, 148, 57.5 -> 58.
        Assert.Equal(((byte)171, (byte)148, (byte)58), Pixel(rgb, 4, 2, 3));
    }

    [Fact]
    public void AlphaOnePaintsTheClassColour()
    {
        var (image, mask) = Flat(2, 30, (_, _) => 3);
        byte[] rgb = Overlay.Render(image, mask, LabelSet.MedSeg, new OverlayOptions(Alpha: 1, Legend: false));
        Assert.Equal(((byte)52, (byte)152, (byte)219), Pixel(rgb, 2, 1, 1));
    }

    [Fact]
    public void LegendShowsEachLesionSwatchInTheTopLeftCorner()
    {
        var (image, mask) = Flat(200, 100, (_, _) => 0);
        byte[] plain = Overlay.Render(image, mask, LabelSet.SemiSeg, new OverlayOptions(Legend: false));
        byte[] rgb = Overlay.Render(image, mask, LabelSet.SemiSeg);
        // Side 200: swatch 200/24 = 8.33 px, gap 2.78 px; swatch k spans y in [2.78 + 11.1k, 11.1 + 11.1k].
        Assert.Equal(((byte)46, (byte)204, (byte)113), Pixel(rgb, 200, 7, 7));
        Assert.Equal(((byte)241, (byte)196, (byte)15), Pixel(rgb, 200, 7, 18));
        // Far from the legend nothing changes.
        Assert.Equal(Pixel(plain, 200, 150, 150), Pixel(rgb, 200, 150, 150));
        if (SKTypeface.Default.GlyphCount > 0)
        {
            // Text is drawn in white to the right of the swatches: some pixel there is brighter than the grey.
            bool bright = false;
            for (int y = 3; y < 12 && !bright; y++)
                for (int x = 14; x < 80 && !bright; x++) bright = Pixel(rgb, 200, x, y).R > 150;
            Assert.True(bright, "class names should be drawn when a font is available");
        }
    }

    [Fact]
    public void MismatchedSizesAreRefused()
    {
        var image = new GreyImage(2, 2, new float[4], IntensityScale.Display8Bit);
        var mask = new LabelMask(3, 2, new byte[6]);
        var e = Assert.Throws<ArgumentException>(() => Overlay.Render(image, mask, LabelSet.SemiSeg));
        Assert.Equal("image is 2x2 but mask is 3x2", e.Message);
    }
}
