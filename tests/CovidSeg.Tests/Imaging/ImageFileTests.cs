using System.Buffers.Binary;
using CovidSeg.Imaging;
using SkiaSharp;

namespace CovidSeg.Tests.Imaging;

public class ImageFileTests
{
    [Fact]
    public void Grey8RoundTripKeepsEveryLevel()
    {
        using var dir = new TempFolder();
        var levels = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        ImageFile.WriteGrey8(dir.File("g.png"), 16, 16, levels);
        var image = ImageFile.ReadGrey(dir.File("g.png"));
        Assert.Equal((16, 16), (image.Width, image.Height));
        Assert.Equal(IntensityScale.Display8Bit, image.Scale);
        Assert.Equal(levels.Select(b => (float)b), image.Pixels);
    }

    [Fact]
    public void WriteGrey8FromGreyImageMaps16BitLevelsTo8Bit()
    {
        using var dir = new TempFolder();
        var image = new GreyImage(3, 1, [0f, 257f * 100, 65535f], IntensityScale.Display16Bit);
        ImageFile.WriteGrey8(dir.File("g.png"), image);
        Assert.Equal([0f, 100f, 255f], ImageFile.ReadGrey(dir.File("g.png")).Pixels);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Grey16PngKeepsSixteenBitsWhateverTheScanlineFilter(byte filter)
    {
        using var dir = new TempFolder();
        var levels = Enumerable.Range(0, 7 * 5).Select(i => (ushort)(i * 1873 + 1)).ToArray();
        File.WriteAllBytes(dir.File("g16.png"), HandMadePng.Grey16(7, 5, levels, filter));
        var image = ImageFile.ReadGrey(dir.File("g16.png"));
        Assert.Equal(IntensityScale.Display16Bit, image.Scale);
        Assert.Equal(levels.Select(v => (float)v), image.Pixels);
    }

    [Fact]
    public void WriteGrey16RoundTripIsExact()
    {
        using var dir = new TempFolder();
        var pixels = new float[] { 0, 1, 255, 256, 1000, 32767, 65534, 65535 };
        ImageFile.WriteGrey16(dir.File("g16.png"), new GreyImage(4, 2, pixels, IntensityScale.Display16Bit));
        var back = ImageFile.ReadGrey(dir.File("g16.png"));
        Assert.Equal(IntensityScale.Display16Bit, back.Scale);
        Assert.Equal(pixels, back.Pixels);
    }

    [Fact]
    public void Rgb16PngBecomesBt601LumaAtSixteenBits()
    {
        using var dir = new TempFolder();
        var row = new byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(row, 1000);
        BinaryPrimitives.WriteUInt16BigEndian(row.AsSpan(2), 60000);
        BinaryPrimitives.WriteUInt16BigEndian(row.AsSpan(4), 12345);
        File.WriteAllBytes(dir.File("rgb16.png"), HandMadePng.Build(1, 1, 16, 2, [row]));
        var image = ImageFile.ReadGrey(dir.File("rgb16.png"));
        Assert.Equal(IntensityScale.Display16Bit, image.Scale);
        Assert.Equal((float)(0.299 * 1000 + 0.587 * 60000 + 0.114 * 12345), image.Pixels[0]);
    }

    [Fact]
    public void RgbPngBecomesBt601Luma()
    {
        using var dir = new TempFolder();
        byte[] rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 200, 30];
        ImageFile.WriteRgb(dir.File("rgb.png"), 2, 2, rgb);
        var image = ImageFile.ReadGrey(dir.File("rgb.png"));
        Assert.Equal(IntensityScale.Display8Bit, image.Scale);
        Assert.Equal(new[] { (float)(0.299 * 255), (float)(0.587 * 255), (float)(0.114 * 255), (float)(0.299 * 10 + 0.587 * 200 + 0.114 * 30) }, image.Pixels);
    }

    [Fact]
    public void RgbaPngIgnoresAlpha()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("rgba.png"), HandMadePng.Build(2, 1, 8, 6, [[100, 100, 100, 255, 100, 100, 100, 40]]));
        Assert.Equal([100f, 100f], ImageFile.ReadGrey(dir.File("rgba.png")).Pixels);
    }

    [Fact]
    public void JpegDecodesGreyAndColour()
    {
        using var dir = new TempFolder();
        // Flat images survive JPEG exactly (only the DC coefficient is non-zero).
        WriteJpeg(dir.File("grey.jpg"), 16, 16, SKColorType.Gray8, Enumerable.Repeat((byte)100, 256).ToArray());
        var grey = ImageFile.ReadGrey(dir.File("grey.jpg"));
        Assert.Equal((16, 16, IntensityScale.Display8Bit), (grey.Width, grey.Height, grey.Scale));
        Assert.All(grey.Pixels, p => Assert.Equal(100f, p));

        var rgba = Enumerable.Range(0, 256).SelectMany(_ => new byte[] { 200, 100, 50, 255 }).ToArray();
        WriteJpeg(dir.File("colour.jpg"), 16, 16, SKColorType.Rgba8888, rgba);
        var colour = ImageFile.ReadGrey(dir.File("colour.jpg"));
        double expected = 0.299 * 200 + 0.587 * 100 + 0.114 * 50;
        Assert.All(colour.Pixels, p => Assert.InRange(p, expected - 2, expected + 2));
    }

    [Fact]
    public void PaletteMaskDecodesToPaletteIndices()
    {
        using var dir = new TempFolder();
        // The VOC palette used by the COVID-SemiSeg masks: black, dark red, dark green, olive.
        byte[] palette = [0, 0, 0, 128, 0, 0, 0, 128, 0, 128, 128, 0];
        byte[] indices = [0, 1, 2, 3, 2, 1, 0, 0, 3];
        File.WriteAllBytes(dir.File("p.png"), HandMadePng.Palette8(3, 3, indices, palette));
        var mask = ImageFile.ReadLabels(dir.File("p.png"));
        Assert.Equal((3, 3), (mask.Width, mask.Height));
        Assert.Equal(indices, mask.Labels);
    }

    [Fact]
    public void PaletteMaskWithTransparencyTellsEntriesApartByAlpha()
    {
        using var dir = new TempFolder();
        // Entries 0 and 1 share RGB but differ in alpha, so they stay distinguishable.
        byte[] palette = [10, 20, 30, 10, 20, 30, 200, 0, 0];
        byte[] indices = [0, 1, 2, 1];
        File.WriteAllBytes(dir.File("p.png"), HandMadePng.Palette8(2, 2, indices, palette, transparency: [128, 255]));
        Assert.Equal(indices, ImageFile.ReadLabels(dir.File("p.png")).Labels);
    }

    [Fact]
    public void FourBitPaletteMaskDecodes()
    {
        using var dir = new TempFolder();
        byte[] palette = [0, 0, 0, 255, 0, 0, 0, 255, 0];
        // 3 pixels per row, two per byte, high nibble first: rows [0,1,2] and [2,2,0].
        File.WriteAllBytes(dir.File("p4.png"), HandMadePng.Build(3, 2, 4, 3, [[0x01, 0x20], [0x22, 0x00]], palette));
        Assert.Equal([0, 1, 2, 2, 2, 0], ImageFile.ReadLabels(dir.File("p4.png")).Labels);
    }

    [Fact]
    public void UnusedDuplicatePaletteColoursAreAccepted()
    {
        using var dir = new TempFolder();
        byte[] palette = [0, 0, 0, 9, 9, 9, 7, 7, 7, 9, 9, 9];
        File.WriteAllBytes(dir.File("p.png"), HandMadePng.Palette8(2, 1, [0, 2], palette));
        Assert.Equal([0, 2], ImageFile.ReadLabels(dir.File("p.png")).Labels);
    }

    [Fact]
    public void GreyMasksDecodeAtEveryBitDepth()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("g8.png"), HandMadePng.Grey8(4, 1, [0, 1, 2, 3]));
        Assert.Equal([0, 1, 2, 3], ImageFile.ReadLabels(dir.File("g8.png")).Labels);

        File.WriteAllBytes(dir.File("g16.png"), HandMadePng.Grey16(3, 1, [0, 3, 255]));
        Assert.Equal([0, 3, 255], ImageFile.ReadLabels(dir.File("g16.png")).Labels);

        // 2-bit grey: four pixels in one byte, levels 0, 1, 2, 3.
        File.WriteAllBytes(dir.File("g2.png"), HandMadePng.Build(4, 1, 2, 0, [[0b00_01_10_11]]));
        Assert.Equal([0, 1, 2, 3], ImageFile.ReadLabels(dir.File("g2.png")).Labels);
    }

    [Fact]
    public void WriteLabelsWritesSingleChannelEightBitIndicesThatReadBack()
    {
        using var dir = new TempFolder();
        var mask = new LabelMask(4, 3, [0, 1, 2, 3, 3, 2, 1, 0, 0, 0, 1, 1]);
        ImageFile.WriteLabels(dir.File("m.png"), mask);
        byte[] bytes = File.ReadAllBytes(dir.File("m.png"));
        // IHDR starts at byte 16: width, height, bit depth, colour type.
        Assert.Equal(8, bytes[24]);
        Assert.Equal(0, bytes[25]);
        Assert.Equal(mask.Labels, ImageFile.ReadLabels(dir.File("m.png")).Labels);
    }

    [Fact]
    public void WritesReplaceExistingFilesAndLeaveNoTemporaryFiles()
    {
        using var dir = new TempFolder();
        string path = Path.Combine(dir.Path, "sub", "o.png");
        ImageFile.WriteRgb(path, 1, 1, [1, 2, 3]);
        ImageFile.WriteRgb(path, 2, 1, [4, 5, 6, 7, 8, 9]);
        Assert.Equal(2, ImageFile.ReadGrey(path).Width);
        Assert.Equal(["o.png"], Directory.GetFiles(Path.Combine(dir.Path, "sub")).Select(Path.GetFileName));
    }

    internal static void WriteJpeg(string path, int width, int height, SKColorType type, byte[] pixels)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, type, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        File.WriteAllBytes(path, data.ToArray());
    }
}
