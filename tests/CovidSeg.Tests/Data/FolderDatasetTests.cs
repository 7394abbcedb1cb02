using CovidSeg.Data;
using CovidSeg.Imaging;
using CovidSeg.Tests.Imaging;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Data;

public class FolderDatasetTests
{
    /// <summary>Writes images/STEM.png (grey 8-bit) and masks/STEM.png (grey label indices) of the given sizes.</summary>
    private static void AddPair(TempFolder dir, string stem, int width = 4, int height = 3, int maskWidth = -1, byte label = 1, string imageExtension = ".png")
    {
        if (maskWidth < 0) maskWidth = width;
        var levels = Enumerable.Range(0, width * height).Select(i => (byte)(i * 7)).ToArray();
        ImageFile.WriteGrey8(Path.Combine(dir.Path, "images", stem + imageExtension), width, height, levels);
        var labels = Enumerable.Range(0, maskWidth * height).Select(i => i == 1 ? label : (byte)0).ToArray();
        ImageFile.WriteLabels(Path.Combine(dir.Path, "masks", stem + ".png"), new LabelMask(maskWidth, height, labels));
    }

    private static TempFolder Layout()
    {
        var dir = new TempFolder();
        Directory.CreateDirectory(Path.Combine(dir.Path, "images"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "masks"));
        return dir;
    }

    [Fact]
    public void PairsByStemInNaturalOrderAndLoads()
    {
        using var dir = Layout();
        foreach (var stem in new[] { "10", "2", "1" }) AddPair(dir, stem, label: 2);
        File.WriteAllText(Path.Combine(dir.Path, "images", "notes.txt"), "ignored");
        var data = new FolderDataset(dir.Path);
        Assert.Equal(3, data.Count);
        Assert.Equal(["1", "2", "10"], Enumerable.Range(0, 3).Select(data.IdAt));
        Assert.Same(LabelSet.SemiSeg, data.Labels);
        var sample = data.Load(2);
        Assert.Equal("10", sample.Id);
        Assert.Equal((4, 3), (sample.Image.Width, sample.Image.Height));
        Assert.Equal(7f, sample.Image.Pixels[1]);
        Assert.Equal(new byte[] { 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, sample.Mask.Labels);
    }

    [Fact]
    public void MissingFolders()
    {
        using var dir = new TempFolder();
        string missing = Path.Combine(dir.Path, "nope");
        Assert.Equal($"{missing}: data set folder not found", Assert.Throws<InvalidInputException>(() => new FolderDataset(missing)).Message);
        Directory.CreateDirectory(Path.Combine(dir.Path, "images"));
        Assert.Equal("expected sub-folders images/ and masks/; missing masks/", Assert.Throws<InvalidInputException>(() => new FolderDataset(dir.Path)).Problem);
    }

    [Fact]
    public void EmptyImagesFolder()
    {
        using var dir = Layout();
        var e = Assert.Throws<InvalidInputException>(() => new FolderDataset(dir.Path));
        Assert.Equal(Path.Combine(dir.Path, "images"), e.InputPath);
        Assert.Equal("folder holds no images (.png, .jpg, .jpeg)", e.Problem);
    }

    [Fact]
    public void UnmatchedStemsAreListed()
    {
        using var dir = Layout();
        AddPair(dir, "1");
        for (int i = 2; i <= 8; i++)
            ImageFile.WriteGrey8(Path.Combine(dir.Path, "images", $"{i}.png"), 1, 1, [0]);
        ImageFile.WriteLabels(Path.Combine(dir.Path, "masks", "x.png"), new LabelMask(1, 1, [0]));
        var e = Assert.Throws<InvalidInputException>(() => new FolderDataset(dir.Path));
        Assert.Equal("images and masks do not pair up by file name; 7 image(s) without a mask: 2, 3, 4, 5, 6, ... (2 more); 1 mask(s) without an image: x", e.Problem);
    }

    [Fact]
    public void TwoImagesWithOneStem()
    {
        using var dir = Layout();
        AddPair(dir, "1");
        ImageFile.WriteGrey8(Path.Combine(dir.Path, "images", "1.jpg"), 1, 1, [0]);
        var e = Assert.Throws<InvalidInputException>(() => new FolderDataset(dir.Path));
        Assert.Matches("^two files share the stem '1': 1\\.(png|jpg) and 1\\.(png|jpg)$", e.Problem);
    }

    [Fact]
    public void ImageAndMaskOfDifferentSizes()
    {
        using var dir = Layout();
        AddPair(dir, "5", width: 4, maskWidth: 5);
        var e = Assert.Throws<InvalidInputException>(() => new FolderDataset(dir.Path).Load(0));
        Assert.Equal(Path.Combine(dir.Path, "masks", "5.png"), e.InputPath);
        Assert.Equal("mask is 5x3 but its image 5.png is 4x3", e.Problem);
    }

    [Fact]
    public void MaskLabelOutsideTheLabelSet()
    {
        using var dir = Layout();
        AddPair(dir, "3", label: 3);
        var e = Assert.Throws<InvalidInputException>(() => new FolderDataset(dir.Path).Load(0));
        Assert.Equal(Path.Combine(dir.Path, "masks", "3.png"), e.InputPath);
        Assert.StartsWith("label value 3 at (1, 0) is outside the label set (0..2", e.Problem);
        // The same mask is fine for the MedSeg label set, which has pleural effusion as label 3.
        Assert.Equal(3, new FolderDataset(dir.Path, LabelSet.MedSeg).Load(0).Mask.Labels[1]);
    }

    [SharedDataFact("covid-semiseg/train")]
    public void RealSemiSegTrainingFolderOpens()
    {
        var data = new FolderDataset(SharedData.PathOf("covid-semiseg/train")!);
        Assert.Equal(50, data.Count);
        var ids = Enumerable.Range(0, 50).Select(data.IdAt).ToList();
        // Stems are numbers with gaps (0..5, 10, ..., 67); natural order is numeric order.
        Assert.Equal(ids.OrderBy(int.Parse), ids);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "10"], ids.Take(7));
        var sample = data.Load(1);
        Assert.Equal("1", sample.Id);
        Assert.Equal((351, 457), (sample.Image.Width, sample.Image.Height));
        Assert.Equal((351, 457), (sample.Mask.Width, sample.Mask.Height));
        // Pillow counts for masks/1.png: 102908 background, 20000 GGO, 37499 consolidation.
        Assert.Equal([102908L, 20000L, 37499L], sample.Mask.CountPerClass(3));
    }
}
