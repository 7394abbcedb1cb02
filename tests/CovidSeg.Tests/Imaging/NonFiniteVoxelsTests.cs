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
    public void TrainingDataWithANaNVoxelIsRefusedNamingTheFile()
    {
        using var temp = new TempFolder();
        foreach (string folder in new[] { "imagesTr", "labelsTr" }) Directory.CreateDirectory(temp.File(folder));
        string image = temp.File("imagesTr/case_0000.nii.gz");
        NiftiWriter.Write(image, NiftiVolume.Create(2, 2, 1, [1, float.NaN, float.PositiveInfinity, 4]), NiftiDataType.Float32);
        NiftiWriter.Write(temp.File("labelsTr/case.nii.gz"), NiftiVolume.Create(2, 2, 1, [0, 0, 1, 1]), NiftiDataType.UInt8);
        var data = new CovidSeg.Data.NiftiVolumePairDataset(temp.Path, CovidSeg.Labels.LabelSet.SemiSeg);
        Assert.Equal($"{image}: 2 of 4 voxels are NaN or infinite; training needs finite CT values (predict reads them as air)",
            Assert.Throws<InvalidInputException>(() => data.Load(0)).Message);
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
