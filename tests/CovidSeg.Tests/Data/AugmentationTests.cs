using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Data;

public class AugmentationTests
{
    /// <summary>A side x side sample whose mask holds labels 0..2 in a seeded pattern and whose image is 0..1.</summary>
    private static PreparedSample Sample(string id, int side, int seed)
    {
        var random = new Random(seed);
        var labels = Enumerable.Range(0, side * side).Select(_ => (long)random.Next(3)).ToArray();
        var pixels = Enumerable.Range(0, side * side).Select(_ => (float)random.NextDouble()).ToArray();
        return new PreparedSample(id, tensor(pixels, [1, side, side]), tensor(labels, [side, side]));
    }

    private static PreparedSample Counting(int side)
    {
        var values = Enumerable.Range(0, side * side).ToArray();
        return new PreparedSample("c", tensor(values.Select(v => (float)v).ToArray(), [1, side, side]), tensor(values.Select(v => (long)v).ToArray(), [side, side]));
    }

    private static long[] Values(Tensor t) => t.to(int64).data<long>().ToArray();

    [Fact]
    public void QuarterTurnIsExact()
    {
        using var s = Counting(3);
        var (image, mask) = SliceTransforms.Rotate(s.Image, s.Mask, 1);
        // [[0,1,2],[3,4,5],[6,7,8]] turned 90 degrees counter-clockwise.
        Assert.Equal(new long[] { 2, 5, 8, 1, 4, 7, 0, 3, 6 }, Values(mask));
        Assert.Equal(new long[] { 2, 5, 8, 1, 4, 7, 0, 3, 6 }, Values(image));
        var (_, half) = SliceTransforms.Rotate(s.Image, s.Mask, 2);
        Assert.Equal(new long[] { 8, 7, 6, 5, 4, 3, 2, 1, 0 }, Values(half));
        var (_, back) = SliceTransforms.Rotate(mask, mask, 3);
        Assert.Equal(Values(s.Mask), Values(back));
        var (_, flipped) = SliceTransforms.FlipHorizontal(s.Image, s.Mask);
        Assert.Equal(new long[] { 2, 1, 0, 5, 4, 3, 8, 7, 6 }, Values(flipped));
    }

    [Fact]
    public void HalfScalePadsWithZeroAndSamplesEveryOtherPixel()
    {
        using var s = Counting(8);
        var (image, mask) = SliceTransforms.Scale(s.Image, s.Mask, 0.5);
        Assert.Equal(new long[] { 8, 8 }, mask.shape);
        Assert.Equal(new long[] { 1, 8, 8 }, image.shape);
        long[] m = Values(mask);
        float[] im = image.data<float>().ToArray();
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
            {
                bool inside = y is >= 2 and < 6 && x is >= 2 and < 6;
                // Nearest picks source (2i, 2j); outside the 4x4 centre is padding (background / black).
                Assert.Equal(inside ? 8 * 2 * (y - 2) + 2 * (x - 2) : 0, m[y * 8 + x]);
                if (!inside) Assert.Equal(0f, im[y * 8 + x]);
                // Bilinear halving averages each 2x2 block: mean of v, v+1, v+8, v+9.
                else Assert.Equal(8 * 2 * (y - 2) + 2 * (x - 2) + 4.5f, im[y * 8 + x], 4);
            }
    }

    [Fact]
    public void OneAndAHalfScaleCropsTheCentre()
    {
        using var s = Counting(8);
        var (_, mask) = SliceTransforms.Scale(s.Image, s.Mask, 1.5);
        long[] m = Values(mask);
        // 8 -> 12 pixels, crop offset 2; nearest source index floor(dst x 8 / 12).
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
                Assert.Equal(8 * ((y + 2) * 8 / 12) + (x + 2) * 8 / 12, m[y * 8 + x]);
    }

    [Fact]
    public void PaperExpansionMakesSixVariantsThatKeepLabelIndices()
    {
        using var s = Sample("7", 37, 1);
        var variants = PaperAugmentation.Expand(s);
        try
        {
            Assert.Equal(["7", "7#rot90", "7#rot180", "7#rot270", "7#scale0.5", "7#scale1.5"], variants.Select(v => v.Id));
            foreach (var v in variants)
            {
                Assert.Equal(new long[] { 1, 37, 37 }, v.Image.shape);
                Assert.Equal(new long[] { 37, 37 }, v.Mask.shape);
                Assert.Equal(int64, v.Mask.dtype);
                Assert.Subset(new HashSet<long> { 0, 1, 2 }, Values(v.Mask).ToHashSet());
            }
            // The original is untouched and the rotation is a permutation: same label counts.
            Assert.Equal(Values(s.Mask), Values(variants[0].Mask));
            Assert.Equal(Values(s.Mask).Order(), Values(variants[1].Mask).Order());
        }
        finally
        {
            variants.ForEach(v => v.Dispose());
        }
    }

    [Fact]
    public void OnlineVariantsAreReproducibleAndKeepLabelIndices()
    {
        using var s = Sample("3", 33, 2);
        var options = new OnlineAugmentationOptions();
        for (int seed = 0; seed < 12; seed++)
        {
            using var a = OnlineAugmentation.Apply(s, new Random(seed), options);
            using var b = OnlineAugmentation.Apply(s, new Random(seed), options);
            Assert.Equal(Values(a.Mask), Values(b.Mask));
            Assert.True(a.Image.eq(b.Image).all().item<bool>());
            Assert.Subset(new HashSet<long> { 0, 1, 2 }, Values(a.Mask).ToHashSet());
            Assert.InRange(a.Image.min().item<float>(), 0f, 1f);
            Assert.InRange(a.Image.max().item<float>(), 0f, 1f);
            Assert.Equal(new long[] { 1, 33, 33 }, a.Image.shape);
        }
    }

    [Fact]
    public void ProviderYieldsSixTimesTheSamplesInPaperMode()
    {
        var samples = new[] { Sample("a", 9, 1), Sample("b", 9, 2) };
        var provider = new AugmentedSampleProvider(samples, AugmentationMode.Paper, seed: 5);
        Assert.Equal(12, provider.SamplesPerEpoch);
        var ids = new List<string>();
        foreach (var s in provider.Epoch(0)) using (s) ids.Add(s.Id);
        Assert.Equal(12, ids.Distinct().Count());
        Assert.Contains("b#scale1.5", ids);
        // The base samples stay usable: everything yielded was a copy.
        Assert.Equal(81, samples[0].Mask.numel());
        foreach (var s in samples) s.Dispose();
    }

    [Fact]
    public void ProviderOrderAndOnlineVariantsDependOnlyOnSeedAndEpoch()
    {
        var samples = Enumerable.Range(0, 6).Select(i => Sample(i.ToString(), 11, i)).ToArray();
        var first = new AugmentedSampleProvider(samples, AugmentationMode.Online, seed: 42);
        var second = new AugmentedSampleProvider(samples, AugmentationMode.Online, seed: 42);
        Assert.Equal(first.Order(3), second.Order(3));
        Assert.Equal(Enumerable.Range(0, 6), first.Order(3).Order());
        Assert.NotEqual(first.Order(3), first.Order(4));

        using var x = first.Get(2, 4);
        using var y = second.Get(2, 4);
        Assert.True(x.Image.eq(y.Image).all().item<bool>());
        // Another epoch draws other variants for at least one sample.
        bool differs = false;
        for (int i = 0; i < 6 && !differs; i++)
        {
            using var e0 = first.Get(0, i);
            using var e1 = first.Get(1, i);
            differs = !e0.Image.eq(e1.Image).all().item<bool>();
        }
        Assert.True(differs);
        foreach (var s in samples) s.Dispose();
    }

    [Fact]
    public void BatchesStackImagesAndMasks()
    {
        var samples = Enumerable.Range(0, 5).Select(i => Sample(i.ToString(), 8, i)).ToArray();
        var provider = new AugmentedSampleProvider(samples, AugmentationMode.None, seed: 1);
        var shapes = new List<(long[] Images, long[] Masks)>();
        foreach (var (images, masks) in provider.Batches(0, 2))
        {
            shapes.Add((images.shape, masks.shape));
            images.Dispose();
            masks.Dispose();
        }
        Assert.Equal([new long[] { 2, 1, 8, 8 }, [2, 1, 8, 8], [1, 1, 8, 8]], shapes.Select(s => s.Images));
        Assert.Equal([new long[] { 2, 8, 8 }, [2, 8, 8], [1, 8, 8]], shapes.Select(s => s.Masks));
        foreach (var s in samples) s.Dispose();
    }

    [Fact]
    public void ValidationSamplesAreRefusedForTraining()
    {
        using var s = Sample("v1", 4, 0);
        var split = new DataSplit(0, ["t1"], ["v1"]);
        var e = Assert.Throws<ArgumentException>(() => AugmentedSampleProvider.ForTraining([s], split, AugmentationMode.Paper, 0));
        Assert.Equal("sample 'v1' is a validation sample and must not be trained on or augmented", e.Message);
    }
}
