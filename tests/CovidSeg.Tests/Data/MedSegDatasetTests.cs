using CovidSeg.Data;
using CovidSeg.Imaging;
using CovidSeg.Imaging.Nifti;
using CovidSeg.Tests.Imaging;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Data;

public class MedSegDatasetTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>HU value of voxel (x, y, z) in the test stacks: every voxel distinct.</summary>
    private static float Hu(int x, int y, int z) => x + 10 * y + 100 * z - 1000;

    private static byte Label(int x, int y, int z) => (byte)((x + 2 * y + z) % 4);

    private (string Image, string Mask) WriteStacks(int nx = 4, int ny = 3, int nz = 2, Func<int, int, int, float>? label = null)
    {
        var hu = new float[nx * ny * nz];
        var labels = new float[nx * ny * nz];
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    hu[x + nx * (y + ny * z)] = Hu(x, y, z);
                    labels[x + nx * (y + ny * z)] = label?.Invoke(x, y, z) ?? Label(x, y, z);
                }
        string image = temp.File(MedSegDataset.ImageFileName), mask = temp.File(MedSegDataset.MaskFileName);
        NiftiWriter.Write(image, NiftiVolume.Create(nx, ny, nz, hu, 0.8, 0.9, 5), NiftiDataType.Int16);
        NiftiWriter.Write(mask, NiftiVolume.Create(nx, ny, nz, labels, 0.8, 0.9, 5), NiftiDataType.Float32);
        return (image, mask);
    }

    [Fact]
    public void EachSliceIsOneSampleWithoutFlips()
    {
        WriteStacks();

        var data = MedSegDataset.FromFolder(temp.Path);

        Assert.Equal(2, data.Count);
        Assert.Same(LabelSet.MedSeg, data.Labels);
        Assert.Equal("tr_im#0", data.IdAt(0));
        Assert.Equal("tr_im#1", data.IdAt(1));
        var sample = data.Load(1);
        Assert.Equal("tr_im#1", sample.Id);
        Assert.Equal((4, 3), (sample.Image.Width, sample.Image.Height));
        Assert.Equal(IntensityScale.Hounsfield, sample.Image.Scale);
        Assert.Equal(((double)0.8f, (double)0.9f), sample.Image.SpacingMm);
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 4; x++)
            {
                Assert.Equal(Hu(x, y, 1), sample.Image[x, y]);
                Assert.Equal(Label(x, y, 1), sample.Mask[x, y]);
            }
    }

    [Fact]
    public void ALabelOutsideZeroToThreeIsAnErrorNamingTheMaskValueAndVoxel()
    {
        var (_, mask) = WriteStacks(label: (x, y, z) => x == 3 && y == 2 && z == 1 ? 4 : 0);
        var data = MedSegDataset.FromFolder(temp.Path);

        var e = Assert.Throws<InvalidInputException>(() => data.Load(0));

        Assert.Equal(mask, e.InputPath);
        Assert.Contains("label 4 at voxel (3, 2, 1)", e.Message);
        Assert.Contains("0..3", e.Message);
    }

    [Fact]
    public void AFractionalLabelIsAnError()
    {
        var (_, mask) = WriteStacks(label: (x, y, z) => x == 1 && y == 0 && z == 0 ? 0.5f : 0);
        var e = Assert.Throws<InvalidInputException>(() => MedSegDataset.FromFolder(temp.Path).Load(1));
        Assert.Equal(mask, e.InputPath);
        Assert.Contains("value 0.5 (not a whole-number label) at voxel (1, 0, 0)", e.Message);
    }

    [Fact]
    public void ImageAndMaskOfDifferentSizesAreRejectedAtConstruction()
    {
        var (image, mask) = WriteStacks();
        NiftiWriter.Write(mask, NiftiVolume.Create(4, 3, 3, new float[36]), NiftiDataType.UInt8);

        var e = Assert.Throws<InvalidInputException>(() => new MedSegDataset(image, mask));

        Assert.Equal($"{mask}: mask is 4x3x3 voxels but its image {image} is 4x3x2", e.Message);
    }

    [Fact]
    public void AFolderWithoutTheMaskSaysWhatItNeeds()
    {
        var (_, mask) = WriteStacks();
        File.Delete(mask);
        var e = Assert.Throws<InvalidInputException>(() => MedSegDataset.FromFolder(temp.Path));
        Assert.Equal(temp.Path, e.InputPath);
        Assert.Contains("no tr_mask.nii.gz", e.Message);
    }

    [Fact]
    public void PredictionsStackedBackOverlayTheImageStack()
    {
        WriteStacks();
        var data = MedSegDataset.FromFolder(temp.Path);
        var masks = Enumerable.Range(0, data.Count).Select(i => data.Load(i).Mask).ToList();
        string output = temp.File("pred.nii.gz");

        NiftiWriter.WriteLabelsLike(output, data.ImageHeader, NiftiSlices.StackLabels(masks, data.Width, data.Height));

        var written = NiftiReader.Read(output);
        Assert.Equal((4, 3, 2), (written.Nx, written.Ny, written.Nz));
        for (int z = 0; z < 2; z++)
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 4; x++)
                    Assert.Equal(Label(x, y, z), written[x, y, z]);
        NiftiReaderTests.AssertMatrix(NiftiReader.Read(data.ImagePath).Affine(), written.Affine(), 0);
    }
}
