using System.Buffers.Binary;
using CovidSeg.Imaging.Nifti;

namespace CovidSeg.Tests.Imaging;

public class NiftiWriterTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private static short I16(byte[] b, int at) => BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(at));
    private static float F32(byte[] b, int at) => BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(at));

    [Fact]
    public void HeaderBytesMatchTheSpecOffsets()
    {
        var volume = NiftiVolume.Create(3, 2, 2, [-1024, -1, 0, 1, 2, 3, 100, 200, 300, 400, 3071, 7], 0.5, 0.75, 2.5);
        string path = temp.File("x.nii");

        NiftiWriter.Write(path, volume, NiftiDataType.Int16);
        byte[] b = File.ReadAllBytes(path);

        Assert.Equal(352 + 12 * 2, b.Length);
        Assert.Equal(348, BinaryPrimitives.ReadInt32LittleEndian(b));                       // sizeof_hdr@0
        Assert.Equal(new short[] { 3, 3, 2, 2, 1, 1, 1, 1 }, Enumerable.Range(0, 8).Select(i => I16(b, 40 + 2 * i)));
        Assert.Equal(4, I16(b, 70));                                                        // datatype int16
        Assert.Equal(16, I16(b, 72));                                                       // bitpix
        Assert.Equal(new float[] { 1, 0.5f, 0.75f, 2.5f, 0, 0, 0, 0 }, Enumerable.Range(0, 8).Select(i => F32(b, 76 + 4 * i)));
        Assert.Equal(352f, F32(b, 108));                                                    // vox_offset
        Assert.Equal(1f, F32(b, 112));                                                      // scl_slope
        Assert.Equal(0f, F32(b, 116));                                                      // scl_inter
        Assert.Equal(2 | 8, b[123]);                                                        // xyzt_units mm + s
        Assert.Equal(1, I16(b, 252));                                                       // qform_code
        Assert.Equal(1, I16(b, 254));                                                       // sform_code
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 0 }, Enumerable.Range(0, 6).Select(i => F32(b, 256 + 4 * i)));
        Assert.Equal(new float[] { 0.5f, 0, 0, 0 }, Enumerable.Range(0, 4).Select(i => F32(b, 280 + 4 * i)));
        Assert.Equal(new float[] { 0, 0.75f, 0, 0 }, Enumerable.Range(0, 4).Select(i => F32(b, 296 + 4 * i)));
        Assert.Equal(new float[] { 0, 0, 2.5f, 0 }, Enumerable.Range(0, 4).Select(i => F32(b, 312 + 4 * i)));
        Assert.Equal("n+1\0"u8.ToArray(), b[344..348]);                                     // magic
        Assert.Equal(new byte[4], b[348..352]);                                             // no extensions
        Assert.Equal(-1024, I16(b, 352));                                                   // first voxel (0,0,0)
        Assert.Equal(3071, I16(b, 352 + 2 * 10));                                           // voxel (1,1,1)
    }

    [Fact]
    public void TwoDimensionalVolumesHaveDimZeroOfTwo()
    {
        string path = temp.File("2d.nii");
        NiftiWriter.Write(path, NiftiVolume.Create(2, 3, 1, [0, 1, 2, 3, 4, 5]), NiftiDataType.UInt8);
        byte[] b = File.ReadAllBytes(path);

        Assert.Equal(new short[] { 2, 2, 3, 1, 1, 1, 1, 1 }, Enumerable.Range(0, 8).Select(i => I16(b, 40 + 2 * i)));
        Assert.Equal(2, I16(b, 70));
        Assert.Equal(8, I16(b, 72));
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4, 5 }, b[352..]);
    }

    public static TheoryData<NiftiDataType, string, float[]> RoundTrips()
    {
        var data = new TheoryData<NiftiDataType, string, float[]>();
        foreach (string ext in new[] { ".nii", ".nii.gz" })
        {
            data.Add(NiftiDataType.UInt8, ext, [0, 1, 2, 3, 255, 128, 7, 0, 9, 10, 11, 12]);
            data.Add(NiftiDataType.Int16, ext, [-32768, -1024, -1, 0, 1, 3071, 32767, 5, 6, 7, 8, 9]);
            data.Add(NiftiDataType.Int32, ext, [int.MinValue, -100000, 0, 1, 16777216, -7, 8, 9, 10, 11, 12, 13]);
            data.Add(NiftiDataType.Float32, ext, [-1024.5f, 0.1f, float.MaxValue, float.Epsilon, -0f, 3.14159f, 1e-30f, 2, 3, 4, 5, 6]);
            data.Add(NiftiDataType.Float64, ext, [-1024.5f, 0.1f, float.MaxValue, float.Epsilon, 1, 2, 3, 4, 5, 6, 7, 8]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void RoundTripsEachDatatype(NiftiDataType type, string extension, float[] values)
    {
        var volume = NiftiVolume.Create(3, 2, 2, values, 0.7, 0.8, 5);
        volume.Header.Descrip = "round trip";
        string path = temp.File("rt" + extension);

        NiftiWriter.Write(path, volume, type);
        var back = NiftiReader.Read(path);

        Assert.Equal(values, back.Data);
        Assert.Equal((3, 2, 2), (back.Nx, back.Ny, back.Nz));
        Assert.Equal((short)type, back.Header.DataType);
        Assert.Equal("round trip", back.Header.Descrip);
        NiftiReaderTests.AssertMatrix(volume.Affine(), back.Affine(), 0);
        Assert.Equal(extension == ".nii.gz", IsGzip(path));
    }

    [Fact]
    public void IntegerTypesRoundHalfAwayFromZero()
    {
        string path = temp.File("r.nii");
        NiftiWriter.Write(path, NiftiVolume.Create(4, 1, 1, [0.5f, -0.5f, 1.49f, -2.51f]), NiftiDataType.Int16);
        Assert.Equal(new float[] { 1, -1, 1, -3 }, NiftiReader.Read(path).Data);
    }

    [Fact]
    public void LabelsLikeAReferenceKeepItsGeometryByteForByte()
    {
        // A reference with a rotated qform, qfac -1, an sform and odd units: everything a viewer uses to overlay.
        var reference = NiftiHeader.Create(4, 3, 2, 0.7, 0.9, 2.5);
        reference.PixDim[0] = -1;
        reference.XyztUnits = 2;
        reference.QformCode = 1;
        reference.SformCode = 4;
        reference.QuaternB = 0.1f; reference.QuaternC = -0.2f; reference.QuaternD = 0.3f;
        reference.QOffsetX = -120.5f; reference.QOffsetY = 98.25f; reference.QOffsetZ = -300;
        reference.SRowX = [0.7f, 0.01f, 0, -120.5f];
        reference.SRowY = [0, 0.9f, 0.02f, 98.25f];
        reference.SRowZ = [0.03f, 0, -2.5f, -300];
        reference.DataType = (short)NiftiDataType.Int16;
        reference.SclSlope = 2;
        reference.SclInter = -1024;
        reference.CalMin = -1000;
        reference.CalMax = 400;
        string refPath = temp.File("ct.nii.gz");
        NiftiWriter.Write(refPath, new NiftiVolume(reference, new float[24]), NiftiDataType.Int16);
        byte[] labels = Enumerable.Range(0, 24).Select(i => (byte)(i % 4)).ToArray();
        string labelPath = temp.File("ct_labels.nii");

        NiftiWriter.WriteLabelsLike(labelPath, NiftiReader.ReadHeader(refPath), labels);

        byte[] refBytes = HeaderBytes(refPath);
        byte[] b = File.ReadAllBytes(labelPath);
        Assert.Equal(refBytes[40..56], b[40..56]);       // dim
        Assert.Equal(refBytes[76..108], b[76..108]);     // pixdim incl. qfac
        Assert.Equal(refBytes[123], b[123]);             // xyzt_units
        Assert.Equal(refBytes[252..328], b[252..328]);   // qform/sform codes, quaternion, offsets, srow
        Assert.Equal(2, I16(b, 70));                     // uint8
        Assert.Equal(8, I16(b, 72));
        Assert.Equal(1f, F32(b, 112));                   // scl_slope: labels are stored as they are
        Assert.Equal(0f, F32(b, 116));
        Assert.Equal(1002, I16(b, 68));                  // NIFTI_INTENT_LABEL
        Assert.Equal(0f, F32(b, 128));                   // cal_min
        Assert.Equal(3f, F32(b, 124));                   // cal_max = largest label
        Assert.Equal(labels, b[352..]);
        var back = NiftiReader.Read(labelPath);
        Assert.Equal(labels.Select(l => (float)l), back.Data);
        NiftiReaderTests.AssertMatrix(NiftiReader.Read(refPath).Affine(), back.Affine(), 0);
    }

    [Fact]
    public void OverwritesAnExistingFileAndLeavesNoTemporaryFiles()
    {
        string path = temp.File("o.nii.gz");
        File.WriteAllText(path, "old content");

        NiftiWriter.Write(path, NiftiVolume.Create(2, 2, 1, [1, 2, 3, 4]), NiftiDataType.UInt8);

        Assert.Equal(new float[] { 1, 2, 3, 4 }, NiftiReader.Read(path).Data);
        Assert.Equal(new[] { "o.nii.gz" }, Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void AValueOutsideTheTypeIsAnErrorNamingFileValueAndVoxelAndWritesNothing()
    {
        string path = temp.File("bad.nii");
        var volume = NiftiVolume.Create(2, 2, 2, [0, 1, 2, 3, 4, 300, 6, 7]);

        var e = Assert.Throws<InvalidInputException>(() => NiftiWriter.Write(path, volume, NiftiDataType.UInt8));

        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("value 300 at voxel (1, 0, 1)", e.Message);
        Assert.Contains("uint8", e.Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void NaNCannotBeStoredAsAnInteger()
    {
        string path = temp.File("nan.nii");
        var e = Assert.Throws<InvalidInputException>(() =>
            NiftiWriter.Write(path, NiftiVolume.Create(2, 1, 1, [0, float.NaN]), NiftiDataType.Int16));
        Assert.Contains("NaN", e.Message);
    }

    [Theory]
    [InlineData("out.png")]
    [InlineData("out.nii.zip")]
    public void AnOutputNameWithoutANiftiExtensionIsRejected(string name)
    {
        string path = temp.File(name);
        var e = Assert.Throws<InvalidInputException>(() => NiftiWriter.Write(path, NiftiVolume.Create(1, 1, 1, [0]), NiftiDataType.UInt8));
        Assert.Equal(path + ": a NIfTI output name must end in .nii or .nii.gz", e.Message);
    }

    [Fact]
    public void AMissingOutputFolderIsRejected()
    {
        string path = Path.Combine(temp.Path, "nowhere", "x.nii");
        var e = Assert.Throws<InvalidInputException>(() => NiftiWriter.Write(path, NiftiVolume.Create(1, 1, 1, [0]), NiftiDataType.UInt8));
        Assert.StartsWith(path + ": output folder", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    private static bool IsGzip(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        return b.Length > 2 && b[0] == 0x1f && b[1] == 0x8b;
    }

    /// <summary>The first 352 bytes after decompression.</summary>
    private static byte[] HeaderBytes(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress);
        var header = new byte[352];
        gzip.ReadExactly(header);
        return header;
    }
}
