using CovidSeg.Imaging.Nifti;

namespace CovidSeg.Tests.Imaging;

public class NonFiniteVoxelsTests
{
    [Fact]
    public void NaNAndInfinitiesBecomeAirAndAreCounted()
    {
        float[] data = [1, float.NaN, float.PositiveInfinity, -5, float.NegativeInfinity];
        Assert.Equal(3, NonFiniteVoxels.ReplaceWithAir(data));
        Assert.Equal([1f, -1024f, -1024f, -5f, -1024f], data);
    }

    [Fact]
    public void TheReaderKeepsNonFiniteVoxelsAsStored()
    {
        using var temp = new TempFolder();
        string path = new HandBuiltNifti().Dims(2, 1).DataType(16, 32).Float32Data(float.NaN, 3f).WriteTo(temp.File("n.nii"));
        var data = NiftiReader.Read(path).Data;
        Assert.True(float.IsNaN(data[0]));
        Assert.Equal(3f, data[1]);
    }
}
