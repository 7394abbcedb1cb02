using System.Runtime.InteropServices;
using CovidSeg.Data;
using CovidSeg.Phantom;
using CovidSeg.Imaging;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Phantom;

/// <summary>Eight default slices of the seed-1 phantom data set, generated once for the tests that only read them.</summary>
public sealed class PhantomSeedOneSlices
{
    public PhantomDataset Dataset { get; } = new(8, 1);
    public IReadOnlyList<PhantomSlice> Slices { get; }

    public PhantomSeedOneSlices() => Slices = Enumerable.Range(0, Dataset.Count).Select(Dataset.LoadWithLung).ToList();
}

public class PhantomSliceTests(PhantomSeedOneSlices fixture) : IClassFixture<PhantomSeedOneSlices>
{
    private static byte[] Bytes(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    [Fact]
    public void SameSeedGivesTheSameBytes()
    {
        var a = ChestPhantom.GenerateSlice(42);
        var b = ChestPhantom.GenerateSlice(42);
        Assert.Equal(Bytes(a.Image.Pixels), Bytes(b.Image.Pixels));
        Assert.Equal(a.Labels.Labels, b.Labels.Labels);
        Assert.Equal(a.Lung.Labels, b.Lung.Labels);
    }

    [Fact]
    public void DifferentSeedsGiveDifferentPatients()
    {
        var a = ChestPhantom.GenerateSlice(42);
        var b = ChestPhantom.GenerateSlice(43);
        Assert.NotEqual(Bytes(a.Image.Pixels), Bytes(b.Image.Pixels));
        // Not just different noise: the anatomy differs too.
        Assert.NotEqual(a.Lung.Labels, b.Lung.Labels);
    }

    [Fact]
    public void SliceIsInHounsfieldUnitsWithTheDefaultSizeAndSpacing()
    {
        var slice = fixture.Slices[0];
        Assert.Equal(256, slice.Image.Width);
        Assert.Equal(256, slice.Image.Height);
        Assert.Equal(IntensityScale.Hounsfield, slice.Image.Scale);
        Assert.Equal((1.4, 1.4), slice.Image.SpacingMm);
        Assert.Equal(256, slice.Labels.Width);
        Assert.Equal(256, slice.Lung.Height);
        // Air in the corner, far from body and table.
        Assert.InRange(slice.Image[2, 2], -1024f, -900f);
        Assert.All(slice.Image.Pixels, v => Assert.InRange(v, -1024f, 3071f));
    }

    [Fact]
    public void EveryClassAppearsInTheEightSlicesOfSeedOne()
    {
        var present = new bool[4];
        foreach (var slice in fixture.Slices)
        {
            var counts = slice.Labels.CountPerClass(4);
            for (int c = 0; c < 4; c++) present[c] |= counts[c] > 0;
            Assert.All(slice.Labels.Labels, label => Assert.InRange(label, (byte)0, (byte)3));
        }
        Assert.All(present, Assert.True);
    }

    [Fact]
    public void LesionsLieInsideTheLungMask()
    {
        foreach (var slice in fixture.Slices)
            for (int i = 0; i < slice.Labels.Labels.Length; i++)
                if (slice.Labels.Labels[i] != 0)
                    Assert.Equal(1, slice.Lung.Labels[i]);
    }

    [Fact]
    public void LungMaskHoldsTwoLungsOfPlausibleSize()
    {
        foreach (var slice in fixture.Slices)
        {
            int w = slice.Lung.Width, h = slice.Lung.Height;
            long left = 0, right = 0;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    if (slice.Lung[x, y] == 1) { if (x < w / 2) left++; else right++; }
            double fraction = (left + right) / (double)(w * h);
            Assert.InRange(fraction, 0.08, 0.45);
            // Each side holds a lung of comparable size.
            Assert.InRange(left / (double)right, 0.5, 2.0);
            Assert.All(slice.Lung.Labels, v => Assert.True(v <= 1));
        }
    }

    [Fact]
    public void EffusionLiesInThePosteriorLowerHalf()
    {
        long effusion = 0;
        foreach (var slice in fixture.Slices)
            for (int y = 0; y < slice.Labels.Height; y++)
                for (int x = 0; x < slice.Labels.Width; x++)
                {
                    if (slice.Labels[x, y] != 3) continue;
                    effusion++;
                    Assert.True(y >= slice.Labels.Height / 2, $"effusion pixel at row {y} is in the upper (anterior) half");
                }
        Assert.True(effusion > 0);
    }

    [Fact]
    public void EachClassHasItsOwnDensity()
    {
        var values = Enumerable.Range(0, 5).Select(_ => new List<float>()).ToArray(); // 0..3 labels, 4 = healthy lung
        foreach (var slice in fixture.Slices)
            for (int i = 0; i < slice.Labels.Labels.Length; i++)
            {
                byte label = slice.Labels.Labels[i];
                if (label != 0) values[label].Add(slice.Image.Pixels[i]);
                else if (slice.Lung.Labels[i] == 1) values[4].Add(slice.Image.Pixels[i]);
            }
        float Median(List<float> v) { var s = v.Order().ToList(); return s[s.Count / 2]; }
        double lung = values[4].Average(), ggo = values[1].Average(), consolidation = values[2].Average(), effusion = values[3].Average();

        Assert.InRange(Median(values[4]), -900f, -780f);
        Assert.InRange(Median(values[1]), -700f, -400f);
        Assert.InRange(Median(values[2]), -120f, 60f);
        Assert.InRange(Median(values[3]), -10f, 30f);
        // Ground glass sits between aerated lung and consolidation; fluid is denser than ground glass.
        Assert.True(lung < ggo && ggo < consolidation, $"means: lung {lung:F0}, GGO {ggo:F0}, consolidation {consolidation:F0}");
        Assert.True(effusion > ggo + 300, $"means: effusion {effusion:F0}, GGO {ggo:F0}");
    }

    [Fact]
    public void ClassProbabilitiesControlWhichLesionsAppear()
    {
        var none = new PhantomOptions { Size = 96, GroundGlassProbability = 0, ConsolidationProbability = 0, EffusionProbability = 0 };
        var effusionOnly = none with { EffusionProbability = 1 };
        for (int seed = 0; seed < 4; seed++)
        {
            Assert.All(ChestPhantom.GenerateSlice(seed, none).Labels.Labels, label => Assert.Equal(0, label));
            var counts = ChestPhantom.GenerateSlice(seed, effusionOnly).Labels.CountPerClass(4);
            Assert.Equal(0, counts[1] + counts[2]);
            Assert.True(counts[3] > 0, $"seed {seed}: effusion probability 1 but no effusion");
        }
    }

    [Fact]
    public void LargerSizeResamplesTheSamePatient()
    {
        // Shapes are defined in millimetres, so a 2x finer slice of the same seed has (almost) the same lung area.
        var coarse = ChestPhantom.GenerateSlice(7, new PhantomOptions { Size = 128 });
        var fine = ChestPhantom.GenerateSlice(7, new PhantomOptions { Size = 256 });
        double coarseArea = coarse.Lung.Labels.Count(v => v == 1) * 4.0, fineArea = fine.Lung.Labels.Count(v => v == 1);
        Assert.InRange(coarseArea / fineArea, 0.97, 1.03);
    }

    [Theory]
    [InlineData(8, "size")]
    [InlineData(-1, "size")]
    public void BadSizeIsRejectedWithAClearMessage(int size, string word)
    {
        var ex = Assert.Throws<InvalidInputException>(() => ChestPhantom.GenerateSlice(1, new PhantomOptions { Size = size }));
        Assert.Contains(word, ex.Message);
        Assert.StartsWith("phantom options: ", ex.Message);
    }

    [Fact]
    public void BadProbabilityIsRejected()
    {
        var ex = Assert.Throws<InvalidInputException>(() => ChestPhantom.GenerateSlice(1, new PhantomOptions { EffusionProbability = 1.5 }));
        Assert.Contains("effusion probability", ex.Message);
    }

    [Fact]
    public void ToSampleCarriesImageAndLabels()
    {
        var slice = fixture.Slices[3];
        var sample = slice.ToSample("x");
        Assert.Equal("x", sample.Id);
        Assert.Same(slice.Image, sample.Image);
        Assert.Same(slice.Labels, sample.Mask);
        Assert.True(LabelSet.MedSeg.SameAs(fixture.Dataset.Labels));
    }
}
