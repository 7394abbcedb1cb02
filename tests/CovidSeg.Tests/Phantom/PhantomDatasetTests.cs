using CovidSeg.Phantom;

namespace CovidSeg.Tests.Phantom;

public class PhantomDatasetTests
{
    private static readonly PhantomOptions Small = new() { Size = 96 };

    [Fact]
    public void IdsAreNumberedWithFourDigits()
    {
        var dataset = new PhantomDataset(12, 3, Small);
        Assert.Equal(12, dataset.Count);
        Assert.Equal("phantom-0000", dataset.IdAt(0));
        Assert.Equal("phantom-0007", dataset.IdAt(7));
        Assert.Equal("phantom-0007", dataset.Load(7).Id);
        Assert.Equal("phantom(seed=3, size=96)", dataset.Source);
    }

    [Fact]
    public void AnySampleLoadsAloneAndAlwaysTheSame()
    {
        var first = new PhantomDataset(6, 9, Small);
        var later = first.Load(4);
        // A fresh data set loading only sample 4, after others, gives the same pixels.
        var second = new PhantomDataset(6, 9, Small);
        second.Load(0);
        second.Load(5);
        var alone = second.Load(4);
        Assert.Equal(later.Image.Pixels, alone.Image.Pixels);
        Assert.Equal(later.Mask.Labels, alone.Mask.Labels);
        // It is the slice the generator gives for the derived seed.
        Assert.Equal(ChestPhantom.GenerateSlice(ChestPhantom.DeriveSeed(9, 4), Small).Image.Pixels, alone.Image.Pixels);
    }

    [Fact]
    public void SamplesAndDataSetSeedsDiffer()
    {
        var a = new PhantomDataset(3, 1, Small);
        var b = new PhantomDataset(3, 2, Small);
        Assert.NotEqual(a.Load(0).Image.Pixels, a.Load(1).Image.Pixels);
        Assert.NotEqual(a.Load(0).Image.Pixels, b.Load(0).Image.Pixels);
        Assert.NotEqual(ChestPhantom.DeriveSeed(1, 0), ChestPhantom.DeriveSeed(0, 1));
    }

    [Fact]
    public void LoadWithLungMatchesLoad()
    {
        var dataset = new PhantomDataset(2, 5, Small);
        var sample = dataset.Load(1);
        var withLung = dataset.LoadWithLung(1);
        Assert.Equal(sample.Image.Pixels, withLung.Image.Pixels);
        Assert.Equal(sample.Mask.Labels, withLung.Labels.Labels);
        Assert.Contains(withLung.Lung.Labels, v => v == 1);
    }

    [Fact]
    public void IndexOutsideTheSetThrows()
    {
        var dataset = new PhantomDataset(2, 5, Small);
        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.Load(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.IdAt(-1));
    }

    [Fact]
    public void EmptyDataSetIsRejected()
    {
        var ex = Assert.Throws<InvalidInputException>(() => new PhantomDataset(0, 1));
        Assert.Contains("at least one slice", ex.Message);
    }
}
