using CovidSeg.Imaging.Nifti;

namespace CovidSeg.Tests.Imaging;

/// <summary>Every unusable file gives an <see cref="InvalidInputException"/> whose message names the file and the problem.</summary>
public class NiftiReaderErrorTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private static void AssertRejected(string path, params string[] fragments)
    {
        var e = Assert.Throws<InvalidInputException>(() => NiftiReader.Read(path));
        Assert.Equal(path, e.InputPath);
        Assert.StartsWith(path + ": ", e.Message);
        foreach (string fragment in fragments) Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void RejectsAFileThatIsNotNifti()
    {
        string path = temp.File("image.nii");
        File.WriteAllBytes(path, [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, .. new byte[400]]);
        AssertRejected(path, "not a NIfTI-1 file", "sizeof_hdr", "348");
    }

    [Fact]
    public void RejectsAWrongMagic()
    {
        string path = new HandBuiltNifti().Dims(2, 2).DataType(2, 8).Text(344, "abc\0").RawData([1, 2, 3, 4]).WriteTo(temp.File("m.nii"));
        AssertRejected(path, "not a NIfTI-1 file", "magic", "abc");
    }

    [Fact]
    public void RejectsAHeaderImagePair()
    {
        string path = new HandBuiltNifti().Dims(2, 2).DataType(2, 8).Text(344, "ni1\0").RawData([1, 2, 3, 4]).WriteTo(temp.File("p.nii"));
        AssertRejected(path, ".hdr/.img pair", "not supported");
    }

    [Theory]
    [InlineData("empty.nii", 0)]
    [InlineData("short.nii", 100)]
    [InlineData("short.nii.gz", 347)]
    public void RejectsATruncatedHeader(string name, int length)
    {
        string path = new HandBuiltNifti().Dims(2, 2).DataType(2, 8).RawData([1, 2, 3, 4]).WriteTo(temp.File(name), truncateTo: length);
        AssertRejected(path, "truncated header", $"{length} bytes", "348");
    }

    [Theory]
    [InlineData("data.nii")]
    [InlineData("data.nii.gz")]
    public void RejectsTruncatedData(string name)
    {
        // 3x2x2 int16 = 24 bytes of data; only 10 present.
        string path = new HandBuiltNifti().Dims(3, 2, 2).DataType(4, 16).Int16Data(new short[12]).WriteTo(temp.File(name), truncateTo: 352 + 10);
        AssertRejected(path, "truncated data", "24 bytes");
    }

    [Fact]
    public void RejectsMoreVoxelsThanAnArrayHolds()
    {
        string path = new HandBuiltNifti().Dims(32767, 32767, 3).DataType(2, 8).WriteTo(temp.File("huge.nii"));
        AssertRejected(path, "32767x32767x3", "3221028867 voxels", "2147483591");
    }

    [Fact]
    public void RejectsMoreThanFourGibibytesOfData()
    {
        // 2048 x 2048 x 300 = 1,258,291,200 voxels (fits an array) of float64 = 10,066,329,600 bytes.
        string path = new HandBuiltNifti().Dims(2048, 2048, 300).DataType(64, 64).WriteTo(temp.File("big.nii.gz"));
        AssertRejected(path, "2048x2048x300", "10066329600 bytes", "4 GiB");
    }

    [Fact]
    public void RejectsAnUnsupportedDatatype()
    {
        string path = new HandBuiltNifti().Dims(2, 2).DataType(128, 24).RawData(new byte[12]).WriteTo(temp.File("rgb.nii"));
        AssertRejected(path, "unsupported datatype", "rgb24");
    }

    [Fact]
    public void RejectsAFourDimensionalImage()
    {
        string path = new HandBuiltNifti().Dims(2, 2, 2, 5).DataType(2, 8).RawData(new byte[40]).WriteTo(temp.File("t.nii"));
        AssertRejected(path, "4D image", "dim[4] = 5", "only 2D and 3D");
    }

    [Fact]
    public void AcceptsAFourthDimensionOfOne()
    {
        string path = new HandBuiltNifti().Dims(2, 2, 1, 1).DataType(2, 8).RawData([1, 2, 3, 4]).WriteTo(temp.File("t1.nii"));
        Assert.Equal(new float[] { 1, 2, 3, 4 }, NiftiReader.Read(path).Data);
    }

    [Theory]
    [InlineData((short)0)]
    [InlineData((short)-3)]
    public void RejectsNonPositiveDimensions(short size)
    {
        string path = new HandBuiltNifti().Dims(4, size, 2).DataType(2, 8).WriteTo(temp.File("d.nii"));
        AssertRejected(path, $"dim[2] is {size}", "positive");
    }

    [Fact]
    public void RejectsABadDimensionCount()
    {
        string path = new HandBuiltNifti().Dims(2, 2).DataType(2, 8).Short(40, 9).RawData([1, 2, 3, 4]).WriteTo(temp.File("r.nii"));
        AssertRejected(path, "dim[0]", "is 9", "1..7");
    }

    [Fact]
    public void RejectsAVoxOffsetInsideTheHeader()
    {
        string path = new HandBuiltNifti().Dims(2, 2).DataType(2, 8).Float(108, 100).RawData([1, 2, 3, 4]).WriteTo(temp.File("v.nii"));
        AssertRejected(path, "vox_offset is 100");
    }

    [Fact]
    public void RejectsAMissingFile()
    {
        AssertRejected(temp.File("missing.nii.gz"), "cannot open");
    }

    [Fact]
    public void RejectsACorruptGzipStream()
    {
        string path = temp.File("corrupt.nii.gz");
        File.WriteAllBytes(path, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        var e = Assert.Throws<InvalidInputException>(() => NiftiReader.Read(path));
        Assert.StartsWith(path + ": ", e.Message);
    }
}
