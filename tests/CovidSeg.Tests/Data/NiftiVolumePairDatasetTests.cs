using CovidSeg.Data;
using CovidSeg.Imaging.Nifti;
using CovidSeg.Tests.Imaging;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Data;

public class NiftiVolumePairDatasetTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string Images => Path.Combine(temp.Path, "imagesTr");
    private string Labels => Path.Combine(temp.Path, "labelsTr");

    public NiftiVolumePairDatasetTests()
    {
        Directory.CreateDirectory(Images);
        Directory.CreateDirectory(Labels);
    }

    /// <summary>A 3x2xN case; image voxel value = 1000 * caseNumber + index, label = index % 3 unless given.</summary>
    private (string Image, string Mask) WriteCase(string imageName, string maskName, int caseNumber, int slices, float[]? labels = null, int maskSlices = -1)
    {
        int n = 3 * 2 * slices;
        var image = Enumerable.Range(0, n).Select(i => (float)(1000 * caseNumber + i)).ToArray();
        if (maskSlices < 0) maskSlices = slices;
        labels ??= Enumerable.Range(0, 3 * 2 * maskSlices).Select(i => (float)(i % 3)).ToArray();
        string imagePath = Path.Combine(Images, imageName), maskPath = Path.Combine(Labels, maskName);
        NiftiWriter.Write(imagePath, NiftiVolume.Create(3, 2, slices, image), NiftiDataType.Int16);
        NiftiWriter.Write(maskPath, NiftiVolume.Create(3, 2, maskSlices, labels), NiftiDataType.UInt8);
        return (imagePath, maskPath);
    }

    [Fact]
    public void NnUNetNamesPairAndEverySliceIsASample()
    {
        WriteCase("lung_002_0000.nii.gz", "lung_002.nii.gz", 2, 3);
        WriteCase("lung_001_0000.nii.gz", "lung_001.nii.gz", 1, 2);
        File.WriteAllText(Path.Combine(Images, "._lung_001_0000.nii.gz"), "macOS resource fork");
        File.WriteAllText(Path.Combine(Labels, "dataset.json"), "{}");

        var data = new NiftiVolumePairDataset(temp.Path, LabelSet.SemiSeg);

        Assert.Equal(5, data.Count);
        Assert.Same(LabelSet.SemiSeg, data.Labels);
        Assert.Equal(new[] { "lung_001#0", "lung_001#1", "lung_002#0", "lung_002#1", "lung_002#2" },
            Enumerable.Range(0, 5).Select(data.IdAt));
        var sample = data.Load(3); // lung_002, slice 1
        Assert.Equal("lung_002#1", sample.Id);
        Assert.Equal((3, 2), (sample.Image.Width, sample.Image.Height));
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 3; x++)
            {
                int voxel = x + 3 * (y + 2 * 1);
                Assert.Equal(2000 + voxel, sample.Image[x, y]);
                Assert.Equal(voxel % 3, sample.Mask[x, y]);
            }
        Assert.Equal(1000f, data.Load(0).Image[0, 0]);
        Assert.Equal(2000f + 17, data.Load(4).Image[2, 1]);
    }

    [Fact]
    public void SameNamesPairToo()
    {
        WriteCase("ct7.nii", "ct7.nii", 7, 1);
        var data = new NiftiVolumePairDataset(temp.Path, LabelSet.SemiSeg);
        Assert.Equal(1, data.Count);
        Assert.Equal("ct7#0", data.IdAt(0));
        Assert.Equal(7005f, data.Load(0).Image[2, 1]);
    }

    [Fact]
    public void AnImageWithoutLabelsIsNamed()
    {
        WriteCase("a_0000.nii.gz", "a.nii.gz", 1, 1);
        var (orphan, mask) = WriteCase("b_0000.nii.gz", "b.nii.gz", 2, 1);
        File.Delete(mask);

        var e = Assert.Throws<InvalidInputException>(() => new NiftiVolumePairDataset(temp.Path, LabelSet.SemiSeg));

        Assert.Equal(orphan, e.InputPath);
        Assert.Contains("no label volume", e.Message);
        Assert.Contains("b.nii.gz", e.Message);
    }

    [Fact]
    public void LabelsWithoutAnImageAreNamed()
    {
        WriteCase("a_0000.nii.gz", "a.nii.gz", 1, 1);
        var (image, mask) = WriteCase("b_0000.nii.gz", "b.nii.gz", 2, 1);
        File.Delete(image);

        var e = Assert.Throws<InvalidInputException>(() => new NiftiVolumePairDataset(temp.Path, LabelSet.SemiSeg));

        Assert.Equal(mask, e.InputPath);
        Assert.Contains("no image", e.Message);
        Assert.Contains("b_0000.nii.gz", e.Message);
    }

    [Fact]
    public void ASecondChannelIsRejected()
    {
        WriteCase("a_0000.nii.gz", "a.nii.gz", 1, 1);
        string second = Path.Combine(Images, "a_0001.nii.gz");
        File.Copy(Path.Combine(Images, "a_0000.nii.gz"), second);

        var e = Assert.Throws<InvalidInputException>(() => new NiftiVolumePairDataset(temp.Path, LabelSet.SemiSeg));

        Assert.Equal(second, e.InputPath);
        Assert.Contains("channel 0001", e.Message);
    }

    [Fact]
    public void ImageAndMaskOfDifferentSizesAreRejected()
    {
        var (image, mask) = WriteCase("a_0000.nii.gz", "a.nii.gz", 1, 2, maskSlices: 3);
        var e = Assert.Throws<InvalidInputException>(() => new NiftiVolumePairDataset(temp.Path, LabelSet.SemiSeg));
        Assert.Equal($"{mask}: mask is 3x2x3 voxels but its image {image} is 3x2x2", e.Message);
    }

    [Fact]
    public void ALabelOutsideTheLabelSetIsNamedWithItsFileAndValue()
    {
        var labels = new float[12];
        labels[7] = 3; // voxel (1, 0, 1); SemiSeg has labels 0..2 only
        var (_, mask) = WriteCase("a_0000.nii.gz", "a.nii.gz", 1, 2, labels);
        var data = new NiftiVolumePairDataset(temp.Path, LabelSet.SemiSeg);

        var e = Assert.Throws<InvalidInputException>(() => data.Load(0));

        Assert.Equal(mask, e.InputPath);
        Assert.Contains("label 3 at voxel (1, 0, 1) is not in the label set 0..2", e.Message);
        // The same volume is fine with the four MedSeg classes.
        Assert.Equal(3, new NiftiVolumePairDataset(temp.Path, LabelSet.MedSeg).Load(1).Mask[1, 0]);
    }

    [Fact]
    public void AnEmptyImagesFolderIsRejected()
    {
        var e = Assert.Throws<InvalidInputException>(() => new NiftiVolumePairDataset(temp.Path, LabelSet.SemiSeg));
        Assert.Equal($"{Images}: no .nii or .nii.gz files", e.Message);
    }

    [Fact]
    public void AMissingLabelsFolderIsRejected()
    {
        Directory.Delete(Labels);
        var e = Assert.Throws<InvalidInputException>(() => new NiftiVolumePairDataset(temp.Path, LabelSet.SemiSeg));
        Assert.Equal(temp.Path, e.InputPath);
        Assert.Contains("no labelsTr/ folder", e.Message);
    }
}
