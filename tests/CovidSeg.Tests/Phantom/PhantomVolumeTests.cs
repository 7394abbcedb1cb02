using CovidSeg.Phantom;
using CovidSeg.Imaging;

namespace CovidSeg.Tests.Phantom;

public class PhantomVolumeTests
{
    private static readonly PhantomOptions AllClasses = new() { GroundGlassProbability = 1, ConsolidationProbability = 1, EffusionProbability = 1 };

    [Fact]
    public void VolumeHasTheRequestedDimensionsAndSpacing()
    {
        var volume = ChestPhantom.GenerateVolume(96, 80, 12, 4);
        Assert.Equal((96, 80, 12), (volume.Nx, volume.Ny, volume.Nz));
        Assert.Equal(96 * 80 * 12, volume.Hounsfield.Length);
        Assert.Equal(96 * 80 * 12, volume.Labels.Length);
        Assert.Equal(96 * 80 * 12, volume.Lung.Length);
        // The field of view spans the larger side; slices are 2.5 mm apart by default.
        Assert.Equal(358.4 / 96, volume.SpacingMm.X, 12);
        Assert.Equal(358.4 / 96, volume.SpacingMm.Y, 12);
        Assert.Equal(2.5, volume.SpacingMm.Z);
        var slice = volume.ImageSlice(5);
        Assert.Equal(IntensityScale.Hounsfield, slice.Scale);
        Assert.Equal(96, slice.Width);
        Assert.Equal(80, slice.Height);
        // x-fastest layout: slice 5, row 7, column 3.
        Assert.Equal(volume.Hounsfield[3 + 96 * (7 + 80 * 5)], slice[3, 7]);
        Assert.Equal(volume.Labels[3 + 96 * (7 + 80 * 5)], volume.LabelSlice(5)[3, 7]);
    }

    [Fact]
    public void SameSeedGivesTheSameVolume()
    {
        var a = ChestPhantom.GenerateVolume(64, 64, 6, 11);
        var b = ChestPhantom.GenerateVolume(64, 64, 6, 11);
        var c = ChestPhantom.GenerateVolume(64, 64, 6, 12);
        Assert.Equal(a.Hounsfield, b.Hounsfield);
        Assert.Equal(a.Labels, b.Labels);
        Assert.Equal(a.Lung, b.Lung);
        Assert.NotEqual(a.Hounsfield, c.Hounsfield);
    }

    [Fact]
    public void NeighbouringSlicesAreCorrelated()
    {
        var volume = ChestPhantom.GenerateVolume(96, 96, 24, 2, AllClasses);
        for (int z = 0; z + 1 < volume.Nz; z++)
        {
            double iou = IoU(volume.LungSlice(z).Labels, volume.LungSlice(z + 1).Labels, v => v == 1);
            Assert.True(iou > 0.8, $"lung IoU between slices {z} and {z + 1} is {iou:F3}");
        }
        // Lesions are blobs spanning several slices, not independent per slice: any-lesion masks of neighbours overlap.
        int pairs = 0;
        double sum = 0;
        for (int z = 0; z + 1 < volume.Nz; z++)
        {
            var a = volume.LabelSlice(z).Labels;
            var b = volume.LabelSlice(z + 1).Labels;
            if (!a.Any(v => v != 0) || !b.Any(v => v != 0)) continue;
            sum += IoU(a, b, v => v != 0);
            pairs++;
        }
        Assert.True(pairs >= 10, $"only {pairs} neighbouring slice pairs both show lesions");
        Assert.True(sum / pairs > 0.5, $"mean lesion IoU between neighbouring slices is {sum / pairs:F3}");
    }

    [Fact]
    public void VolumeLesionsStayInsideTheLungs()
    {
        var volume = ChestPhantom.GenerateVolume(64, 64, 16, 3, AllClasses);
        var counts = new int[4];
        for (int i = 0; i < volume.Labels.Length; i++)
        {
            counts[volume.Labels[i]]++;
            if (volume.Labels[i] != 0) Assert.Equal(1, volume.Lung[i]);
        }
        Assert.All(counts, c => Assert.True(c > 0));
    }

    [Theory]
    [InlineData(16, 64, 4)]
    [InlineData(64, 64, 0)]
    public void BadDimensionsAreRejected(int nx, int ny, int nz)
    {
        var ex = Assert.Throws<InvalidInputException>(() => ChestPhantom.GenerateVolume(nx, ny, nz, 1));
        Assert.StartsWith("phantom volume: ", ex.Message);
    }

    private static double IoU(byte[] a, byte[] b, Func<byte, bool> member)
    {
        long both = 0, either = 0;
        for (int i = 0; i < a.Length; i++)
        {
            bool x = member(a[i]), y = member(b[i]);
            if (x && y) both++;
            if (x || y) either++;
        }
        return either == 0 ? 1 : both / (double)either;
    }
}
