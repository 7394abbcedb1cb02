using CovidSeg.Data;
using CovidSeg.Imaging;
using CovidSeg.Imaging.Nifti;

namespace CovidSeg.Tests.Data;

public class NiftiSlicesTests
{
    [Fact]
    public void PixelXYOfSliceZIsVoxelXYZ()
    {
        var volume = NiftiVolume.Create(3, 2, 2, Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 0.5, 0.25, 4);

        var image = NiftiSlices.Image(volume, 1, IntensityScale.Hounsfield);

        Assert.Equal(new float[] { 6, 7, 8, 9, 10, 11 }, image.Pixels);
        Assert.Equal(volume[2, 1, 1], image[2, 1]);
        Assert.Equal(volume[0, 1, 1], image[0, 1]);
        Assert.Equal((0.5, 0.25), image.SpacingMm);
    }

    [Fact]
    public void StackLabelsIsTheInverseOfMask()
    {
        byte[] labels = [0, 1, 2, 3, 0, 1, 2, 2, 1, 0, 3, 3];
        var masks = Enumerable.Range(0, 2).Select(z => NiftiSlices.Mask(labels, 3, 2, z)).ToList();

        Assert.Equal(new byte[] { 3, 0, 1 }, masks[0].Labels[3..]);
        Assert.Equal(labels, NiftiSlices.StackLabels(masks, 3, 2));
    }

    [Fact]
    public void StackLabelsRejectsAMaskOfTheWrongSize()
    {
        var masks = new List<LabelMask> { new(3, 2, new byte[6]), new(2, 3, new byte[6]) };
        var e = Assert.Throws<ArgumentException>(() => NiftiSlices.StackLabels(masks, 3, 2));
        Assert.Contains("mask 1 is 2x3", e.Message);
    }

    [Theory]
    [InlineData(0f, 1f)]
    [InlineData(1f, -1f)]
    [InlineData(float.NaN, 1f)]
    public void SpacingIsUnknownUnlessPositive(float dx, float dy)
    {
        var header = NiftiHeader.Create(2, 2, 1);
        header.PixDim[1] = dx;
        header.PixDim[2] = dy;
        Assert.Null(NiftiSlices.SpacingOf(header));
    }
}
