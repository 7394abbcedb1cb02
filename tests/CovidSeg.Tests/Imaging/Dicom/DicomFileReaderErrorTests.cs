using CovidSeg.Imaging.Dicom;

namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>Bad files end with one <see cref="InvalidInputException"/> naming the file and what is wrong.</summary>
public class DicomFileReaderErrorTests : IDisposable
{
    private const string ExplicitLe = "1.2.840.10008.1.2.1";
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string Write(byte[] bytes, string name = "bad.dcm")
    {
        string path = temp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static InvalidInputException Refused(string path)
    {
        var e = Assert.Throws<InvalidInputException>(() => DicomSliceReader.Read(path));
        Assert.Equal(path, e.InputPath);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    private static byte[] Valid(string uid = "1.2.3.4") => HandBuiltDicom.Part10(ExplicitLe, uid, HandBuiltDicom.CtDataset(uid, [0, 0, 0]));

    [Fact]
    public void AValidHandBuiltSliceReads()
    {
        var slice = DicomSliceReader.Read(Write(Valid()));
        Assert.Equal((2, 3), (slice.Rows, slice.Columns));
        var hu = new float[6];
        DicomPixelDecoder.DecodeInto(slice, hu);
        Assert.Equal([-1024f, -1023, -1022, -1021, -1020, -1019], hu);
    }

    [Fact]
    public void NoDicmSignature()
    {
        var bytes = Valid();
        bytes[129] = (byte)'X';
        Assert.Contains("not a DICOM Part 10 file", Refused(Write(bytes)).Problem);
    }

    [Fact]
    public void TruncatedInsideAnElement()
    {
        var bytes = Valid();
        string path = Write(bytes[..^5]);
        Assert.Contains("says its value is 12 bytes but only 7 remain", Refused(path).Problem);
    }

    [Fact]
    public void TruncatedInsideAnElementHeader()
    {
        var bytes = Valid();
        string path = Write(bytes[..^15]); // the pixel data header (12 bytes) + 12 value bytes: cut 3 bytes into the header
        Assert.Contains("truncated element", Refused(path).Problem);
    }

    [Fact]
    public void LengthPastTheEndOfTheFile()
    {
        string uid = "1.2.3.4";
        byte[] dataset = [.. HandBuiltDicom.CtDataset(uid, [0, 0, 0])[..^24], .. HandBuiltDicom.Element(0x7FE0, 0x0010, "OW", new byte[12], length: 0x7FFFFFF0)];
        var e = Refused(Write(HandBuiltDicom.Part10(ExplicitLe, uid, dataset)));
        Assert.Contains("(7FE0,0010)", e.Problem);
        Assert.Contains("says its value is 2147483632 bytes but only 12 remain", e.Problem);
    }

    [Fact]
    public void UndefinedLengthOutsideASequence()
    {
        string uid = "1.2.3.4";
        byte[] dataset = [.. HandBuiltDicom.Element(0x0008, 0x0016, "OB", new byte[4], length: 0xFFFFFFFF), .. HandBuiltDicom.CtDataset(uid, [0, 0, 0])];
        var e = Refused(Write(HandBuiltDicom.Part10(ExplicitLe, uid, dataset)));
        Assert.Contains("(0008,0016) (OB)", e.Problem);
        Assert.Contains("has undefined length, which only sequences and encapsulated pixel data may have", e.Problem);
    }

    [Fact]
    public void SizeBombInRowsAndColumns()
    {
        string uid = "1.2.3.4";
        // 65535 x 65535 pixels claimed, 12 bytes of pixel data present: refused before any pixel buffer is allocated.
        var e = Refused(Write(HandBuiltDicom.Part10(ExplicitLe, uid, HandBuiltDicom.CtDataset(uid, [0, 0, 0], rows: 65535, columns: 65535, pixelData: new byte[12]))));
        Assert.Contains("65535 x 65535 pixels x 1 frame is more than the 2147483591 pixels one file may hold", e.Problem);
    }

    [Fact]
    public void PixelDataShorterThanRowsTimesColumns()
    {
        string uid = "1.2.3.4";
        var e = Refused(Write(HandBuiltDicom.Part10(ExplicitLe, uid, HandBuiltDicom.CtDataset(uid, [0, 0, 0], rows: 512, columns: 512, pixelData: new byte[12]))));
        Assert.Contains("Pixel Data holds 12 bytes; 512 x 512 pixels x 1 frame of 16 bits need 524288", e.Problem);
    }

    [Fact]
    public void HighBitMustBeBitsStoredMinusOne()
    {
        var bytes = Valid();
        int highBit = FindTag(bytes, 0x0028, 0x0102);
        bytes[highBit + 8] = 11; // High Bit 11 with 16 bits stored
        Assert.Contains("High Bit is 11 with 16 bits stored; only High Bit = Bits Stored - 1 is read", Refused(Write(bytes)).Problem);
    }

    [Fact]
    public void CompressedTransferSyntaxIsRefusedWithAConverter()
    {
        string uid = "1.2.3.4";
        var e = Refused(Write(HandBuiltDicom.Part10("1.2.840.10008.1.2.4.50", uid, HandBuiltDicom.CtDataset(uid, [0, 0, 0]))));
        Assert.Contains("transfer syntax 1.2.840.10008.1.2.4.50 (JPEG Baseline (Process 1)) is not supported", e.Problem);
        Assert.Contains("gdcmconv --raw", e.Problem);
        Assert.Contains("dcmdjpeg", e.Problem);
    }

    [Fact]
    public void JpegTwoThousandIsNamed()
    {
        string uid = "1.2.3.4";
        Assert.Contains("(JPEG 2000 Image Compression (Lossless Only))", Refused(Write(HandBuiltDicom.Part10("1.2.840.10008.1.2.4.90", uid, HandBuiltDicom.CtDataset(uid, [0, 0, 0])))).Problem);
    }

    [Fact]
    public void GarbageWhereAVrShouldBe()
    {
        var bytes = Valid();
        int modality = FindTag(bytes, 0x0008, 0x0060);
        bytes[modality + 4] = 0x01;
        Assert.Contains("(0008,0060) at byte", Refused(Write(bytes)).Problem);
    }

    [Fact]
    public void ItemDelimiterOutsideAnItem()
    {
        string uid = "1.2.3.4";
        byte[] delimiter = [0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0];
        var e = Refused(Write(HandBuiltDicom.Part10(ExplicitLe, uid, [.. delimiter, .. HandBuiltDicom.CtDataset(uid, [0, 0, 0])])));
        Assert.Contains("item delimiter (FFFE,E00D) at byte", e.Problem);
    }

    private static byte[] WithFrames(string frames, byte[]? pixelData = null, int rows = 2, int columns = 3)
    {
        string uid = "1.2.3.4";
        byte[] dataset = HandBuiltDicom.CtDataset(uid, [0, 0, 0], rows: rows, columns: columns, pixelData: pixelData);
        int at = FindTag(dataset, 0x0028, 0x0010, 0);
        return HandBuiltDicom.Part10(ExplicitLe, uid, [.. dataset[..at], .. HandBuiltDicom.Text(0x0028, 0x0008, "IS", frames), .. dataset[at..]]);
    }

    [Fact]
    public void SizeBombInFrames()
    {
        var e = Refused(Write(WithFrames("100000", pixelData: new byte[12], rows: 512, columns: 512)));
        Assert.Contains("512 x 512 pixels x 100000 frames is more than the 2147483591 pixels one file may hold", e.Problem);
    }

    [Fact]
    public void MultiFrameNeedsAllItsPixelsAndAPositionPerFrame()
    {
        Assert.Contains("Pixel Data holds 12 bytes; 3 x 2 pixels x 3 frames of 16 bits need 36", Refused(Write(WithFrames("3"), "a.dcm")).Problem);
        var e = Refused(Write(WithFrames("3", pixelData: new byte[36]), "b.dcm"));
        Assert.Contains("3 frames but 0 items in the Per-frame Functional Groups Sequence (5200,9230): the frames cannot be placed", e.Problem);
    }

    /// <summary>Byte offset of an explicit VR element with the given tag (searching after the meta group by default).</summary>
    private static int FindTag(byte[] bytes, ushort group, ushort element, int from = 132)
    {
        for (int i = from; i + 4 <= bytes.Length; i++)
            if (bytes[i] == (byte)group && bytes[i + 1] == group >> 8 && bytes[i + 2] == (byte)element && bytes[i + 3] == element >> 8
                && bytes[i + 4] is >= (byte)'A' and <= (byte)'Z')
                return i;
        throw new InvalidOperationException($"tag ({group:X4},{element:X4}) not found");
    }
}
