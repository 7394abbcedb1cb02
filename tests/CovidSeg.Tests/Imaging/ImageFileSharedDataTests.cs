using CovidSeg.Data;
using CovidSeg.Imaging;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Imaging;

/// <summary>Reads the real COVID-SemiSeg slices; skipped when ../shared/data is absent.</summary>
public class ImageFileSharedDataTests
{
    private const string Train = "covid-semiseg/train";

    [SharedDataFact(Train + "/masks")]
    public void RealPaletteMasksDecodeToExactlyTheSemiSegLabels()
    {
        string folder = SharedData.PathOf(Train + "/masks")!;
        var totals = new long[3];
        foreach (string file in Directory.GetFiles(folder, "*.png"))
        {
            var mask = ImageFile.ReadLabels(file, LabelSet.SemiSeg);
            var counts = mask.CountPerClass(3);
            Assert.Equal((long)mask.Labels.Length, counts.Sum());
            for (int c = 0; c < 3; c++) totals[c] += counts[c];
        }
        // Pixel counts per label over all 50 masks, measured independently with Pillow:
        // numpy.unique(numpy.array(PIL.Image.open(f)), return_counts=True) summed over masks/*.png.
        Assert.Equal([5807318L, 560121L, 326093L], totals);
    }

    [SharedDataFact(Train + "/images/1.jpg")]
    public void RealJpegSliceDecodesToTheSameGreyLevelsAsPillow()
    {
        var image = ImageFile.ReadGrey(SharedData.PathOf(Train + "/images/1.jpg")!);
        Assert.Equal((351, 457, IntensityScale.Display8Bit), (image.Width, image.Height, image.Scale));
        // Pillow: numpy.array(PIL.Image.open('images/1.jpg'))[100, 100:105] and the sum of all levels.
        Assert.Equal([120f, 133f, 175f, 209f, 168f], Enumerable.Range(100, 5).Select(x => image[x, 100]));
        Assert.Equal(22555229L, image.Pixels.Sum(p => (long)p));
    }
}
