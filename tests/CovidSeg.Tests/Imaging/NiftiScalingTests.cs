using CovidSeg.Imaging.Nifti;

namespace CovidSeg.Tests.Imaging;

/// <summary>scl_slope and scl_inter per nifti1.h: 0 = no scaling; a slope or intercept that is not a number is refused.</summary>
public sealed class NiftiScalingTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string Write(string name, float slope, float inter) => new HandBuiltNifti()
        .Dims(2, 1).DataType(4, 16).Float(112, slope).Float(116, inter)
        .RawData([10, 0, 0xF6, 0xFF]) // int16 10 and -10, little endian
        .WriteTo(temp.File(name));

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "+Inf")]
    [InlineData(float.NegativeInfinity, "-Inf")]
    public void ANonFiniteSlopeIsRefused(float slope, string shown)
    {
        string path = Write("s.nii", slope, 0);
        Assert.Equal($"{path}: scl_slope is {shown}; it must be a finite number (0 = no scaling)",
            Assert.Throws<InvalidInputException>(() => NiftiReader.Read(path)).Message);
        Assert.Throws<InvalidInputException>(() => NiftiReader.ReadHeader(path));
    }

    [Fact]
    public void ANonFiniteInterceptWithAScalingSlopeIsRefused()
    {
        string path = Write("i.nii", 2, float.NaN);
        Assert.Equal("scl_inter is NaN with scl_slope 2; it must be a finite number",
            Assert.Throws<InvalidInputException>(() => NiftiReader.Read(path)).Problem);
    }

    [Fact]
    public void AZeroSlopeIgnoresEvenANonFiniteIntercept()
    {
        Assert.Equal([10f, -10f], NiftiReader.Read(Write("z.nii", 0, float.NaN)).Data);
    }
}
