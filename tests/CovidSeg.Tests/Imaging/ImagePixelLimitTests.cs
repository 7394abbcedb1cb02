using System.Buffers.Binary;
using CovidSeg.Imaging;
using SkiaSharp;

namespace CovidSeg.Tests.Imaging;

/// <summary>The pixel limit is checked from the PNG/JPEG header, before any pixel is decoded.</summary>
public class ImagePixelLimitTests
{
    /// <summary>A 57-byte PNG with only IHDR and IEND that claims <paramref name="width"/> x <paramref name="height"/> grey pixels.</summary>
    internal static byte[] HeaderOnlyPng(uint width, uint height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth; colour type 0 = grey
        return HandMadePng.Assemble([("IHDR", ihdr), ("IEND", Array.Empty<byte>())]);
    }

    [Fact]
    public void APngClaiming60000By60000PixelsIsRefusedWithOneLine()
    {
        using var dir = new TempFolder();
        string path = dir.File("huge.png");
        File.WriteAllBytes(path, HeaderOnlyPng(60000, 60000));
        var e = Assert.Throws<InvalidInputException>(() => ImageFile.ReadGrey(path));
        Assert.Equal($"{path}: image is 60000x60000 = 3600000000 pixels, more than the limit of 100000000 (--max-pixels); not decoded", e.Message);
        Assert.Equal("image is 60000x60000 = 3600000000 pixels, more than the limit of 100000000 (--max-pixels); not decoded",
            Assert.Throws<InvalidInputException>(() => ImageFile.ReadLabels(path)).Problem);
    }

    [Fact]
    public void APngOnePixelOverTheLimitIsRefusedAndOneAtTheLimitReads()
    {
        using var dir = new TempFolder();
        string path = dir.File("small.png");
        File.WriteAllBytes(path, HandMadePng.Grey8(10, 10, new byte[100]));
        Assert.Equal("image is 10x10 = 100 pixels, more than the limit of 99 (--max-pixels); not decoded",
            Assert.Throws<InvalidInputException>(() => ImageFile.ReadGrey(path, maxPixels: 99)).Problem);
        Assert.Equal("image is 10x10 = 100 pixels, more than the limit of 99 (--max-pixels); not decoded",
            Assert.Throws<InvalidInputException>(() => ImageFile.ReadLabels(path, maxPixels: 99)).Problem);
        Assert.Equal(100, ImageFile.ReadGrey(path, maxPixels: 100).Pixels.Length);
        Assert.Equal(100, ImageFile.ReadLabels(path, maxPixels: 100).Labels.Length);
    }

    [Fact]
    public void AJpegWhoseHeaderClaimsTooManyPixelsIsRefusedBeforeDecoding()
    {
        using var dir = new TempFolder();
        string path = dir.File("huge.jpg");
        ImageFileTests.WriteJpeg(path, 8, 8, SKColorType.Gray8, new byte[64]);
        byte[] jpeg = File.ReadAllBytes(path);
        // Baseline frame header (SOF0, FF C0): length (2), precision (1), then height and width, big-endian.
        int sof = Enumerable.Range(0, jpeg.Length - 1).First(i => jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), 60000);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), 60000);
        File.WriteAllBytes(path, jpeg);
        Assert.Equal("image is 60000x60000 = 3600000000 pixels, more than the limit of 100000000 (--max-pixels); not decoded",
            Assert.Throws<InvalidInputException>(() => ImageFile.ReadGrey(path)).Problem);
    }

    [Fact]
    public void ALimitAboveTheDecoderCeilingStillRefusesWhatSkiaCannotHold()
    {
        using var dir = new TempFolder();
        string path = dir.File("huge.png");
        File.WriteAllBytes(path, HeaderOnlyPng(60000, 60000));
        Assert.Equal($"image is 60000x60000 = 3600000000 pixels, more than the limit of {ImageFile.MaxPixelsCeiling} (--max-pixels); not decoded",
            Assert.Throws<InvalidInputException>(() => ImageFile.ReadGrey(path, maxPixels: long.MaxValue)).Problem);
    }
}
