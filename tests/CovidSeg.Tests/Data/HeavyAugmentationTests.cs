using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Data;

public class HeavyAugmentationTests
{
    private static PreparedSample Counting(int side)
    {
        var values = Enumerable.Range(0, side * side).ToArray();
        return new PreparedSample("c", tensor(values.Select(v => (float)v / (side * side)).ToArray(), [1, side, side]), tensor(values.Select(v => (long)v).ToArray(), [side, side]));
    }

    /// <summary>A disc of label 1 with a smaller disc of label 2 in it, off centre, on a grey gradient.</summary>
    private static PreparedSample Discs(int side)
    {
        var labels = new long[side * side];
        var pixels = new float[side * side];
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                double d1 = Math.Sqrt(Math.Pow(x - side * 0.4, 2) + Math.Pow(y - side * 0.45, 2));
                double d2 = Math.Sqrt(Math.Pow(x - side * 0.45, 2) + Math.Pow(y - side * 0.5, 2));
                labels[y * side + x] = d2 < side * 0.1 ? 2 : d1 < side * 0.25 ? 1 : 0;
                pixels[y * side + x] = (float)(0.2 + 0.6 * x / side);
            }
        return new PreparedSample("d", tensor(pixels, [1, side, side]), tensor(labels, [side, side]));
    }

    private static long[] Longs(Tensor t) => t.to(int64).data<long>().ToArray();
    private static float[] Floats(Tensor t) => t.to(float32).data<float>().ToArray();

    [Fact]
    public void WarpWithoutRotationOrScaleReturnsTheSliceUnchanged()
    {
        using var s = Counting(8);
        var (image, mask) = SpatialWarp.Apply(s.Image, s.Mask, 0, 1);
        Assert.Equal(Longs(s.Mask), Longs(mask));
        var expected = Floats(s.Image);
        var actual = Floats(image);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void WarpByAQuarterTurnMatchesTheExactQuarterTurn()
    {
        // The free rotation must turn the same way as SliceTransforms.Rotate (counter-clockwise as displayed), or a
        // positive angle would mean different things in the two paths.
        using var s = Counting(7);
        var (image, mask) = SpatialWarp.Apply(s.Image, s.Mask, Math.PI / 2, 1);
        var (exactImage, exactMask) = SliceTransforms.Rotate(s.Image, s.Mask, 1);
        Assert.Equal(Longs(exactMask), Longs(mask));
        var expected = Floats(exactImage);
        var actual = Floats(image);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 4);
    }

    [Fact]
    public void WarpByScaleTwoShowsTheCentralHalf()
    {
        // A centred 8 x 8 square of label 1 in a 32 x 32 slice becomes a centred 16 x 16 square.
        var labels = new long[32 * 32];
        for (int y = 12; y < 20; y++) for (int x = 12; x < 20; x++) labels[y * 32 + x] = 1;
        using var mask = tensor(labels, [32, 32]);
        using var image = mask.to(float32).unsqueeze(0);
        var (_, scaled) = SpatialWarp.Apply(image, mask, 0, 2);
        var values = Longs(scaled);
        Assert.Equal(16 * 16, values.Count(v => v == 1));
        for (int y = 8; y < 24; y++) for (int x = 8; x < 24; x++) Assert.Equal(1, values[y * 32 + x]);
    }

    [Fact]
    public void WarpedMasksKeepExactLabelsAndOutsideIsBackground()
    {
        using var s = Discs(64);
        using var field = tensor(Enumerable.Range(0, 2 * 5 * 5).Select(i => (float)(0.05 * Math.Sin(i))).ToArray(), [2, 5, 5]);
        var (image, mask) = SpatialWarp.Apply(s.Image, s.Mask, 0.3, 0.6, field);
        Assert.Equal(ScalarType.Int64, mask.dtype);
        Assert.All(Longs(mask), v => Assert.InRange(v, 0, 2));
        // Scale 0.6 shrinks the slice inside a black, background frame: the corners come from outside.
        Assert.Equal(0, Longs(mask)[0]);
        Assert.Equal(0f, Floats(image)[0]);
        Assert.Contains(2L, Longs(mask));
    }

    [Fact]
    public void IntensityTransformsComputeTheirFormulas()
    {
        using var image = tensor(new float[] { 0f, 0.25f, 0.5f, 1f }, [1, 2, 2]);
        Assert.Equal(new[] { 0f, 0.0625f, 0.25f, 1f }, Floats(IntensityTransforms.Gamma(image, 2)));
        // mean 0.4375; factor 2: 0.4375 + 2 (v - 0.4375), clamped.
        var contrast = Floats(IntensityTransforms.Contrast(image, 2));
        Assert.Equal(new[] { 0f, 0.0625f, 0.5625f, 1f }, contrast.Select(v => MathF.Round(v, 5)));
        Assert.Equal(new[] { 0f, 0.125f, 0.25f, 0.5f }, Floats(IntensityTransforms.Gain(image, 0.5)));
        // Blur keeps a constant image constant (reflected borders) and low resolution with factor 1 changes nothing.
        using var flat = full(new long[] { 1, 9, 9 }, 0.3f);
        Assert.All(Floats(IntensityTransforms.Blur(flat, 1.0)), v => Assert.Equal(0.3f, v, 5));
        Assert.All(Floats(IntensityTransforms.LowResolution(flat, 1.0)), v => Assert.Equal(0.3f, v, 5));
    }

    [Fact]
    public void NoiseIsSeededAndHasTheAskedSpread()
    {
        using var flat = full(new long[] { 1, 64, 64 }, 0.5f);
        var a = IntensityTransforms.Noise(flat, 0.05, 7);
        var b = IntensityTransforms.Noise(flat, 0.05, 7);
        var c = IntensityTransforms.Noise(flat, 0.05, 8);
        Assert.Equal(Floats(a), Floats(b));
        Assert.NotEqual(Floats(a), Floats(c));
        Assert.InRange(a.std().item<float>(), 0.045, 0.055);
    }

    [Fact]
    public void HeavyVariantsAreReproducibleVariedAndKeepLabelIndices()
    {
        using var s = Discs(48);
        var options = new HeavyAugmentationOptions();
        int changedGeometry = 0;
        for (int seed = 0; seed < 20; seed++)
        {
            var first = HeavyAugmentation.Apply(s, new Random(seed), options);
            var again = HeavyAugmentation.Apply(s, new Random(seed), options);
            Assert.Equal(Floats(first.Image), Floats(again.Image));
            Assert.Equal(Longs(first.Mask), Longs(again.Mask));
            Assert.Equal(new long[] { 1, 48, 48 }, first.Image.shape);
            Assert.All(Longs(first.Mask), v => Assert.InRange(v, 0, 2));
            Assert.All(Floats(first.Image), v => Assert.InRange(v, 0f, 1f));
            if (!Longs(first.Mask).SequenceEqual(Longs(s.Mask))) changedGeometry++;
            first.Dispose();
            again.Dispose();
        }
        Assert.True(changedGeometry >= 15, $"only {changedGeometry} of 20 variants moved the mask");
    }

    [Fact]
    public void ProviderDrawsHeavyVariantsBySeedAndEpoch()
    {
        using var s = Discs(32);
        var provider = new AugmentedSampleProvider([s], AugmentationMode.Heavy, seed: 3);
        using var a = provider.Get(epoch: 2, index: 0);
        using var b = provider.Get(epoch: 2, index: 0);
        Assert.Equal(Floats(a.Image), Floats(b.Image));
        Assert.EndsWith("#heavy", a.Id);
    }

    [Fact]
    public void OptionsOutOfRangeAreRefusedWithTheirName()
    {
        var error = Assert.Throws<CovidSeg.CovidSegException>(() => new HeavyAugmentationOptions(NoiseProbability: 1.5).Validate());
        Assert.Contains("noise probability", error.Message);
        Assert.Throws<CovidSeg.CovidSegException>(() => new HeavyAugmentationOptions(ScaleMin: 2, ScaleMax: 1).Validate());
    }
}
