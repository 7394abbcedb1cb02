using CovidSeg.Data;
using CovidSeg.Imaging;
using SkiaSharp;
using CovidSeg.Labels;

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
        byte[] rgb = Overlay.Render(image, mask, LabelSet.SemiSeg, new OverlayOptions(Alpha: 0.5));
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
        byte[] rgb = Overlay.Render(image, mask, LabelSet.MedSeg, new OverlayOptions(Alpha: 1));
        Assert.Equal(((byte)52, (byte)152, (byte)219), Pixel(rgb, 2, 1, 1));
    }

    [Fact]
    public void LegendGoesInAStripRightOfTheImageAndLeavesEveryImagePixelAsRendered()
    {
        var (image, mask) = Flat(200, 100, (x, y) => x < 30 && y < 30 ? (byte)1 : (byte)0);
        byte[] plain = Overlay.Render(image, mask, LabelSet.SemiSeg);
        var picture = Overlay.Picture(image, mask, LabelSet.SemiSeg);
        Assert.Equal(200, picture.Height);
        Assert.True(picture.Width > 200, $"width {picture.Width}");
        // The top-left corner, where the old legend sat, holds the blended lesion, unchanged.
        for (int y = 0; y < 200; y++)
            for (int x = 0; x < 200; x++)
                Assert.Equal(Pixel(plain, 200, x, y), picture[x, y]);
        Assert.Equal(((byte)73, (byte)152, (byte)107), picture[5, 5]);
        // Side 200: swatch 200/24 = 8 -> clamped to 10 px, gap 3; swatch k spans x in [203, 213), y in [3 + 13k, 13 + 13k).
        Assert.Equal(((byte)46, (byte)204, (byte)113), picture[207, 7]);
        Assert.Equal(((byte)241, (byte)196, (byte)15), picture[207, 20]);
        Assert.Equal(OverlayLegend.Background, picture[207, 150]);
        if (SKTypeface.Default.GlyphCount > 0)
        {
            // Text is drawn in white to the right of the swatches: some pixel there is brighter than the strip.
            bool bright = false;
            for (int y = 3; y < 13 && !bright; y++)
                for (int x = 216; x < picture.Width && !bright; x++) bright = picture[x, y].R > 150;
            Assert.True(bright, "class names should be drawn when a font is available");
        }
    }

    [Fact]
    public void ALegendTallerThanATinyImageExtendsTheStripDownwards()
    {
        var (image, mask) = Flat(8, 100, (_, _) => 0);
        var picture = Overlay.Picture(image, mask, LabelSet.MedSeg);
        // Swatch 10, gap 3: 3 + 3 x 13 = 42 rows; rows below the image are strip colour.
        Assert.Equal(42, picture.Height);
        Assert.Equal(OverlayLegend.Background, picture[0, 20]);
        Assert.Equal(((byte)100, (byte)100, (byte)100), picture[7, 7]);
    }

    [Fact]
    public void OutlinePaintsOnlyTheEdgeOfEachRegion()
    {
        // A 4x4 GGO square at (2..5, 2..5) in a 8x8 image.
        var (image, mask) = Flat(8, 100, (x, y) => x is >= 2 and <= 5 && y is >= 2 and <= 5 ? (byte)1 : (byte)0);
        byte[] rgb = Overlay.Render(image, mask, LabelSet.SemiSeg, new OverlayOptions(Alpha: 1, Style: OverlayStyle.Outline));
        var ggo = ((byte)46, (byte)204, (byte)113);
        var grey = ((byte)100, (byte)100, (byte)100);
        Assert.Equal(ggo, Pixel(rgb, 8, 2, 2));
        Assert.Equal(ggo, Pixel(rgb, 8, 5, 3));
        Assert.Equal(ggo, Pixel(rgb, 8, 3, 5));
        Assert.Equal(grey, Pixel(rgb, 8, 3, 3)); // inside: texture kept
        Assert.Equal(grey, Pixel(rgb, 8, 4, 4));
        Assert.Equal(grey, Pixel(rgb, 8, 1, 1)); // outside
    }

    [Fact]
    public void OutlineDoesNotDrawAlongTheImageBorder()
    {
        var (image, mask) = Flat(4, 50, (_, _) => 2);
        byte[] rgb = Overlay.Render(image, mask, LabelSet.SemiSeg, new OverlayOptions(Alpha: 1, Style: OverlayStyle.Outline));
        Assert.All(Enumerable.Range(0, 16), i => Assert.Equal(((byte)50, (byte)50, (byte)50), Pixel(rgb, 4, i % 4, i / 4)));
    }

    [Theory]
    [InlineData("fill", OverlayStyle.Fill)]
    [InlineData("Outline", OverlayStyle.Outline)]
    public void StyleNamesParse(string name, OverlayStyle expected) => Assert.Equal(expected, OverlayStyles.Parse(name, "--overlay-style"));

    [Fact]
    public void AnUnknownStyleIsOneLineNamingTheOption()
    {
        var e = Assert.Throws<CovidSegException>(() => OverlayStyles.Parse("dots", "--overlay-style"));
        Assert.Equal("--overlay-style must be fill or outline, got 'dots'", e.Message);
    }

    [Fact]
    public void SideBySidePutsTheRightPictureAfterTheGap()
    {
        var left = new RgbPicture(2, 1, [1, 2, 3, 4, 5, 6]);
        var right = new RgbPicture(1, 2, [7, 8, 9, 10, 11, 12]);
        var row = SideBySide.Join(left, right, gap: 2);
        Assert.Equal((5, 2), (row.Width, row.Height));
        Assert.Equal(((byte)4, (byte)5, (byte)6), row[1, 0]);
        Assert.Equal(OverlayLegend.Background, row[2, 0]);
        Assert.Equal(OverlayLegend.Background, row[3, 1]);
        Assert.Equal(((byte)7, (byte)8, (byte)9), row[4, 0]);
        Assert.Equal(((byte)10, (byte)11, (byte)12), row[4, 1]);
        Assert.Equal(OverlayLegend.Background, row[0, 1]); // below the shorter left picture
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
