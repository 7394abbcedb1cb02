using CovidSeg.Imaging.Nifti;

namespace CovidSeg.Tests.Imaging;

public class NiftiReaderTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private static readonly short[] Int16Values = [-5, 0, 7, 100, 512, 1000, -1000, 3, 2, 1, 0, 32767];

    [Theory]
    [InlineData(false, "le.nii")]
    [InlineData(true, "be.nii")]
    [InlineData(false, "le.nii.gz")]
    [InlineData(true, "be.nii.gz")]
    public void DecodesInt16WithSlopeAndInterceptInEitherByteOrder(bool bigEndian, string name)
    {
        string path = new HandBuiltNifti(bigEndian)
            .Dims(3, 2, 2).DataType(4, 16).PixDim(1, 0.7f, 0.8f, 2.5f)
            .Float(112, 2).Float(116, -1024).Byte(123, 10).Text(148, "hand built")
            .Int16Data(Int16Values)
            .WriteTo(temp.File(name));

        var volume = NiftiReader.Read(path);

        Assert.Equal((3, 2, 2), (volume.Nx, volume.Ny, volume.Nz));
        Assert.Equal(Int16Values.Select(v => 2f * v - 1024f).ToArray(), volume.Data);
        Assert.Equal(2f * 32767 - 1024, volume[2, 1, 1]);
        Assert.Equal(2f * 7 - 1024, volume[2, 0, 0]);
        Assert.Equal(2f * 1000 - 1024, volume[2, 1, 0]);
        Assert.Equal(((double)0.7f, (double)0.8f, 2.5), volume.VoxelSize);
        Assert.Equal((short)NiftiDataType.Int16, volume.Header.DataType);
        Assert.Equal(10, volume.Header.XyztUnits);
        Assert.Equal("hand built", volume.Header.Descrip);
        Assert.Equal("n+1", volume.Header.Magic);
    }

    [Fact]
    public void DecodesBigEndianFloat32WithoutScalingWhenSlopeIsZero()
    {
        float[] values = [-1.5f, 0f, 3.25f, 1e6f, -2e-3f, 42f];
        string path = new HandBuiltNifti(bigEndian: true)
            .Dims(2, 3, 1).DataType(16, 32).Float(112, 0).Float(116, 100)
            .Float32Data(values)
            .WriteTo(temp.File("f.nii"));

        var volume = NiftiReader.Read(path);

        Assert.Equal((2, 3, 1), (volume.Nx, volume.Ny, volume.Nz));
        Assert.Equal(values, volume.Data);
    }

    [Fact]
    public void Decodes2DUInt8AsOneSlice()
    {
        byte[] values = [0, 1, 2, 3, 255, 128, 7, 9, 10, 11, 12, 13];
        string path = new HandBuiltNifti()
            .Dims(4, 3).DataType(2, 8).RawData(values)
            .WriteTo(temp.File("u8.nii"));

        var volume = NiftiReader.Read(path);

        Assert.Equal((4, 3, 1), (volume.Nx, volume.Ny, volume.Nz));
        Assert.Equal(values.Select(v => (float)v).ToArray(), volume.Data);
        Assert.Equal(128f, volume[1, 1, 0]);
        Assert.Equal(new float[] { 0, 1, 2, 3, 255, 128, 7, 9, 10, 11, 12, 13 }, volume.CopySlice(0));
    }

    [Theory]
    [InlineData((short)256, (short)8, new byte[] { 0xFF, 0x80, 0x7F }, new float[] { -1, -128, 127 })]
    [InlineData((short)512, (short)16, new byte[] { 0xFF, 0xFF, 0x01, 0x00, 0x00, 0x80 }, new float[] { 65535, 1, 32768 })]
    [InlineData((short)768, (short)32, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0 }, new float[] { 4294967295f, 2, 0 })]
    [InlineData((short)8, (short)32, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0x80 }, new float[] { -1, 2, int.MinValue })]
    [InlineData((short)64, (short)64, new byte[] { 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0, 0 }, new float[] { 1.5f, -2, 0 })]
    public void DecodesTheOtherIntegerAndFloatTypesLittleEndian(short code, short bitpix, byte[] raw, float[] expected)
    {
        string path = new HandBuiltNifti().Dims(3).DataType(code, bitpix).RawData(raw).WriteTo(temp.File("t.nii"));

        var volume = NiftiReader.Read(path);

        Assert.Equal((3, 1, 1), (volume.Nx, volume.Ny, volume.Nz));
        Assert.Equal(expected, volume.Data);
    }

    [Fact]
    public void HonoursALargerVoxOffset()
    {
        string path = new HandBuiltNifti().Dims(2, 2).DataType(4, 16).VoxOffset(400).Int16Data(1, 2, 3, 4)
            .WriteTo(temp.File("off.nii"));

        Assert.Equal(new float[] { 1, 2, 3, 4 }, NiftiReader.Read(path).Data);
    }

    [Fact]
    public void QformOnlyAffineFollowsTheQuaternionFormulaWithQfac()
    {
        // 90° about z: (a, b, c, d) = (cos 45°, 0, 0, sin 45°) -> R = [[0,-1,0],[1,0,0],[0,0,1]]; qfac -1 flips k.
        float s = MathF.Sqrt(0.5f);
        string path = new HandBuiltNifti()
            .Dims(2, 2, 1).DataType(2, 8).PixDim(-1, 2, 3, 4)
            .Short(252, 1).Short(254, 0)
            .Float(256, 0).Float(260, 0).Float(264, s)
            .Float(268, 10).Float(272, -20).Float(276, 30)
            .RawData([1, 2, 3, 4])
            .WriteTo(temp.File("q.nii"));

        double[,] a = NiftiReader.Read(path).Affine();

        double[,] expected = { { 0, -3, 0, 10 }, { 2, 0, 0, -20 }, { 0, 0, -4, 30 }, { 0, 0, 0, 1 } };
        AssertMatrix(expected, a, 1e-6);
    }

    [Fact]
    public void GeneralQuaternionMatchesTheRotationMatrixOfTheSpec()
    {
        // b = c = d = 0.5 -> a = 0.5: rotation by 120° about (1,1,1), which maps x->y, y->z, z->x.
        string path = new HandBuiltNifti()
            .Dims(1, 1, 1).DataType(2, 8).PixDim(1, 1, 1, 1)
            .Short(252, 2).Float(256, 0.5f).Float(260, 0.5f).Float(264, 0.5f)
            .RawData([0])
            .WriteTo(temp.File("q2.nii"));

        double[,] expected = { { 0, 0, 1, 0 }, { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 0, 1 } };
        AssertMatrix(expected, NiftiReader.Read(path).Affine(), 1e-12);
    }

    [Fact]
    public void SformTakesPrecedenceOverQform()
    {
        string path = new HandBuiltNifti()
            .Dims(2, 2, 1).DataType(2, 8).PixDim(1, 2, 3, 4)
            .Short(252, 1).Short(254, 2)
            .Float(264, 1) // a qform that would rotate 180° about z
            .Float(280, -0.5f).Float(284, 0.25f).Float(288, 0).Float(292, 100)
            .Float(296, 0).Float(300, 0.75f).Float(304, 0.125f).Float(308, -50)
            .Float(312, 0).Float(316, 0).Float(320, 5).Float(324, 7)
            .RawData([1, 2, 3, 4])
            .WriteTo(temp.File("s.nii"));

        double[,] expected = { { -0.5, 0.25, 0, 100 }, { 0, 0.75, 0.125, -50 }, { 0, 0, 5, 7 }, { 0, 0, 0, 1 } };
        AssertMatrix(expected, NiftiReader.Read(path).Affine(), 0);
    }

    [Fact]
    public void WithoutQformOrSformTheAffineScalesByPixdim()
    {
        string path = new HandBuiltNifti().Dims(1, 1, 1).DataType(2, 8).PixDim(1, 0.5f, 0.25f, 3).RawData([0])
            .WriteTo(temp.File("p.nii"));

        double[,] expected = { { 0.5, 0, 0, 0 }, { 0, 0.25, 0, 0 }, { 0, 0, 3, 0 }, { 0, 0, 0, 1 } };
        AssertMatrix(expected, NiftiReader.Read(path).Affine(), 0);
    }

    [Fact]
    public void ReadHeaderDoesNotNeedTheData()
    {
        string path = new HandBuiltNifti().Dims(5, 6, 7).DataType(16, 32).WriteTo(temp.File("h.nii.gz"));

        var header = NiftiReader.ReadHeader(path);

        Assert.Equal(new short[] { 3, 5, 6, 7, 1, 1, 1, 1 }, header.Dim);
        Assert.Equal((short)16, header.DataType);
    }

    internal static void AssertMatrix(double[,] expected, double[,] actual, double tolerance)
    {
        Assert.Equal(4, actual.GetLength(0));
        Assert.Equal(4, actual.GetLength(1));
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                Assert.True(Math.Abs(expected[r, c] - actual[r, c]) <= tolerance,
                    $"affine[{r},{c}] = {actual[r, c]}, expected {expected[r, c]}");
    }
}
