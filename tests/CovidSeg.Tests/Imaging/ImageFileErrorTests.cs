using CovidSeg.Data;
using CovidSeg.Imaging;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Imaging;

public class ImageFileErrorTests
{
    private static InvalidInputException ReadGreyFails(string path) => Assert.Throws<InvalidInputException>(() => ImageFile.ReadGrey(path));
    private static InvalidInputException ReadLabelsFails(string path, LabelSet? labels = null) => Assert.Throws<InvalidInputException>(() => ImageFile.ReadLabels(path, labels));

    [Fact]
    public void MissingFileIsNamed()
    {
        using var dir = new TempFolder();
        var e = ReadGreyFails(dir.File("nope.png"));
        Assert.Equal($"{dir.File("nope.png")}: file not found", e.Message);
        Assert.Equal("file not found", ReadLabelsFails(dir.File("nope.png")).Problem);
    }

    [Fact]
    public void FolderInsteadOfFile()
    {
        using var dir = new TempFolder();
        Assert.Equal("is a folder, expected an image file", ReadGreyFails(dir.Path).Problem);
    }

    [Fact]
    public void EmptyFile()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("e.png"), []);
        Assert.Equal("file is empty", ReadGreyFails(dir.File("e.png")).Problem);
    }

    [Fact]
    public void TextFileIsNotAnImage()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("t.png"), "hello");
        Assert.Equal("not a PNG or JPEG image", ReadGreyFails(dir.File("t.png")).Problem);
        Assert.Equal("not a PNG image", ReadLabelsFails(dir.File("t.png")).Problem);
    }

    [Fact]
    public void ZeroSizedImageIsEmpty()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("z.png"), HandMadePng.Build(0, 5, 8, 0, []));
        Assert.Equal("image is empty (0x5 pixels)", ReadGreyFails(dir.File("z.png")).Problem);
        Assert.Equal("image is empty (0x5 pixels)", ReadLabelsFails(dir.File("z.png")).Problem);
    }

    [Fact]
    public void DamagedChunkChecksumIsCorrupt()
    {
        using var dir = new TempFolder();
        byte[] png = HandMadePng.Grey8(2, 2, [1, 2, 3, 4]);
        png[20] ^= 0xFF; // inside IHDR's width field
        File.WriteAllBytes(dir.File("c.png"), png);
        Assert.Equal("corrupt PNG: checksum mismatch in IHDR chunk", ReadGreyFails(dir.File("c.png")).Problem);
    }

    [Fact]
    public void TruncatedPngIsCorrupt()
    {
        using var dir = new TempFolder();
        byte[] png = HandMadePng.Grey8(8, 8, new byte[64]);
        File.WriteAllBytes(dir.File("t.png"), png[..40]);
        Assert.Equal("corrupt PNG: truncated chunk", ReadGreyFails(dir.File("t.png")).Problem);
    }

    [Fact]
    public void TooLittlePixelDataIsCorrupt()
    {
        using var dir = new TempFolder();
        // Valid chunks, but the image data holds 1 row where the header promises 4.
        byte[] oneRow = HandMadePng.Grey8(4, 1, [1, 2, 3, 4]);
        byte[] header = HandMadePng.Grey8(4, 4, new byte[16])[8..33];
        var idat = ExtractChunk(oneRow, "IDAT");
        var png = HandMadePng.Assemble([("IHDR", header[8..21]), ("IDAT", idat), ("IEND", [])]);
        File.WriteAllBytes(dir.File("short.png"), png);
        Assert.StartsWith("corrupt image", ReadGreyFails(dir.File("short.png")).Problem);

        var png16 = HandMadePng.Grey16(4, 1, [1, 2, 3, 4]);
        var header16 = ExtractChunk(png16, "IHDR");
        header16[7] = 4; // height 1 -> 4
        File.WriteAllBytes(dir.File("short16.png"), HandMadePng.Assemble([("IHDR", header16), ("IDAT", ExtractChunk(png16, "IDAT")), ("IEND", [])]));
        Assert.Equal("corrupt PNG: pixel data is truncated or not valid zlib data", ReadGreyFails(dir.File("short16.png")).Problem);
    }

    [Fact]
    public void CorruptJpeg()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("j.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
        Assert.StartsWith("corrupt", ReadGreyFails(dir.File("j.jpg")).Problem);
    }

    [Fact]
    public void JpegMaskIsRefused()
    {
        using var dir = new TempFolder();
        ImageFileTests.WriteJpeg(dir.File("m.jpg"), 8, 8, SkiaSharp.SKColorType.Gray8, new byte[64]);
        Assert.Equal("label masks must be PNG (JPEG compression changes label values)", ReadLabelsFails(dir.File("m.jpg")).Problem);
    }

    [Fact]
    public void RgbMaskIsRefused()
    {
        using var dir = new TempFolder();
        ImageFile.WriteRgb(dir.File("m.png"), 1, 1, [1, 2, 3]);
        Assert.Equal("a label mask must be a grey or palette PNG, this one is RGB", ReadLabelsFails(dir.File("m.png")).Problem);
    }

    [Fact]
    public void UsedDuplicatePaletteColourIsAmbiguous()
    {
        using var dir = new TempFolder();
        byte[] palette = [0, 0, 0, 9, 9, 9, 9, 9, 9];
        File.WriteAllBytes(dir.File("p.png"), HandMadePng.Palette8(2, 1, [0, 2], palette));
        Assert.Equal("palette entries 1 and 2 have the same colour (9, 9, 9) and the image uses it, so its label cannot be told",
            ReadLabelsFails(dir.File("p.png")).Problem);
    }

    [Fact]
    public void LabelOutsideTheLabelSetIsNamedWithItsPosition()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("m.png"), HandMadePng.Grey8(3, 2, [0, 1, 2, 0, 5, 1]));
        var e = ReadLabelsFails(dir.File("m.png"), LabelSet.SemiSeg);
        Assert.Equal($"{dir.File("m.png")}: label value 5 at (1, 1) is outside the label set (0..2: background, ground-glass opacity, consolidation)", e.Message);
        // Without a label set any value up to 255 is accepted.
        Assert.Equal(5, ImageFile.ReadLabels(dir.File("m.png")).Labels[4]);
    }

    [Fact]
    public void SixteenBitLabelAbove255IsRefused()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("m.png"), HandMadePng.Grey16(2, 1, [1, 300]));
        Assert.Equal("label value 300 at (1, 0) is above 255", ReadLabelsFails(dir.File("m.png")).Problem);
    }

    private static byte[] ExtractChunk(byte[] png, string type)
    {
        int pos = 8;
        while (pos < png.Length)
        {
            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            if (System.Text.Encoding.ASCII.GetString(png, pos + 4, 4) == type) return png.AsSpan(pos + 8, length).ToArray();
            pos += 12 + length;
        }
        throw new InvalidOperationException($"no {type} chunk");
    }
}
