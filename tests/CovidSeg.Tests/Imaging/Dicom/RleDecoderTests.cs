using System.Buffers.Binary;
using CovidSeg.Imaging.Dicom;

namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>RLE Lossless frames encoded by hand (PS3.5 G.3): exact decoding, and refusals instead of overruns.</summary>
public class RleDecoderTests
{
    /// <summary>A frame: the 64-byte header (segment count, offsets) followed by the segments.</summary>
    private static byte[] Frame(params byte[][] segments)
    {
        var header = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)segments.Length);
        int offset = 64;
        for (int i = 0; i < segments.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4 + 4 * i), (uint)offset);
            offset += segments[i].Length;
        }
        return [.. header, .. segments.SelectMany(s => s)];
    }

    [Fact]
    public void LiteralAndRepeatRunsOfSixteenBitSamples()
    {
        // 5 pixels: high bytes = repeat 0x01 five times (-4 => 5 copies); low bytes = literal 10, 20, 30, 40, 50.
        byte[] high = [unchecked((byte)-4), 0x01];
        byte[] low = [4, 10, 20, 30, 40, 50];
        var output = new byte[10];
        RleDecoder.DecodeFrame(Frame(high, low), 5, 2, output, "x.dcm");
        var samples = Enumerable.Range(0, 5).Select(i => BinaryPrimitives.ReadUInt16LittleEndian(output.AsSpan(2 * i))).ToArray();
        Assert.Equal([0x010A, 0x0114, 0x011E, 0x0128, 0x0132], samples);
    }

    [Fact]
    public void MinusOneTwentyEightIsANoOp()
    {
        byte[] segment = [0x80, 2, 7, 8, 9];
        var output = new byte[3];
        RleDecoder.DecodeFrame(Frame(segment), 3, 1, output, "x.dcm");
        Assert.Equal([7, 8, 9], output);
    }

    [Fact]
    public void ARunPastTheFrameIsRefused()
    {
        byte[] segment = [unchecked((byte)-9), 0x05]; // 10 copies for a 4-pixel frame
        var e = Assert.Throws<InvalidInputException>(() => RleDecoder.DecodeFrame(Frame(segment), 4, 1, new byte[4], "x.dcm"));
        Assert.Equal("x.dcm: RLE segment 1: a repeat run of 10 bytes overruns the data or the frame", e.Message);
    }

    [Fact]
    public void AShortSegmentIsRefused()
    {
        byte[] segment = [1, 7, 8];
        var e = Assert.Throws<InvalidInputException>(() => RleDecoder.DecodeFrame(Frame(segment), 3, 1, new byte[3], "x.dcm"));
        Assert.Equal("x.dcm: RLE segment 1 decodes to 2 bytes; the frame has 3 pixels", e.Message);
    }

    [Fact]
    public void AFrameTooSmallForItsImageIsRefusedBeforeDecoding()
    {
        byte[] segment = [unchecked((byte)-127), 0];
        var e = Assert.Throws<InvalidInputException>(() => RleDecoder.DecodeFrame(Frame(segment), 512 * 512, 1, new byte[512 * 512], "x.dcm"));
        Assert.Equal("x.dcm: RLE frame of 66 bytes cannot hold 262144 pixels; Rows x Columns is wrong or the data are cut short", e.Message);
    }

    [Fact]
    public void TheSegmentCountMustMatchTheSampleSize()
    {
        var e = Assert.Throws<InvalidInputException>(() => RleDecoder.DecodeFrame(Frame([0, 1]), 1, 2, new byte[2], "x.dcm"));
        Assert.Equal("x.dcm: RLE frame has 1 segments; 16-bit greyscale needs 2", e.Message);
    }
}
