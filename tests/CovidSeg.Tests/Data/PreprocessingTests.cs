using System.Text.Json;
using CovidSeg.Data;
using CovidSeg.Imaging;
using TorchSharp;
using static TorchSharp.torch;
using CovidSeg.PostProcessing;

namespace CovidSeg.Tests.Data;

public class PreprocessingTests
{
    [Fact]
    public void EightBitLevelsAreDividedBy255()
    {
        var image = new GreyImage(2, 2, [0, 51, 128, 255], IntensityScale.Display8Bit);
        using var t = Preprocessing.ImageToTensor(image, new PreprocessingOptions(Side: 2));
        Assert.Equal(new long[] { 1, 2, 2 }, t.shape);
        Assert.Equal(float32, t.dtype);
        Assert.Equal(new[] { 0f, 51f / 255f, 128f / 255f, 1f }, t.data<float>().ToArray());
    }

    [Fact]
    public void SixteenBitLevelsAreDividedBy65535()
    {
        var image = new GreyImage(2, 2, [0, 13107, 32768, 65535], IntensityScale.Display16Bit);
        using var t = Preprocessing.ImageToTensor(image, new PreprocessingOptions(Side: 2));
        Assert.Equal(new[] { 0f, 0.2f, 32768f / 65535f, 1f }, t.data<float>().ToArray());
    }

    [Fact]
    public void HounsfieldUnitsGoThroughTheWindowExactly()
    {
        // Level -600, width 1500: [-1350, 150] HU maps to [0, 1]; outside is clamped.
        var image = new GreyImage(3, 3, [-1350, -600, 150, 0, -2000, 500, -975, -1000, 75], IntensityScale.Hounsfield);
        using var t = Preprocessing.ImageToTensor(image, new PreprocessingOptions(Side: 3));
        Assert.Equal(new[] { 0f, 0.5f, 1f, 0.9f, 0f, 1f, 0.25f, (float)(350.0 / 1500.0), 0.95f }, t.data<float>().ToArray());

        using var other = Preprocessing.ImageToTensor(new GreyImage(1, 1, [40], IntensityScale.Hounsfield), new PreprocessingOptions(1, WindowLevel: 40, WindowWidth: 400));
        Assert.Equal(0.5f, other.item<float>());
    }

    [Fact]
    public void ResizeIsBilinearWithHalfPixelCentres()
    {
        int w = 3, h = 2, side = 4;
        float[] levels = [0, 60, 255, 120, 30, 90];
        using var t = Preprocessing.ImageToTensor(new GreyImage(w, h, levels, IntensityScale.Display8Bit), new PreprocessingOptions(Side: side));
        float[] got = t.data<float>().ToArray();
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                Assert.Equal(ReferenceBilinear(levels, w, h, x, y, side, side) / 255.0, got[y * side + x], 5);
    }

    /// <summary>Textbook bilinear sampling, align_corners = false: source = (dst + 0.5) x in / out - 0.5, clamped.</summary>
    private static double ReferenceBilinear(float[] v, int w, int h, int dx, int dy, int outW, int outH)
    {
        static (int I0, int I1, double L) Axis(int dst, int inSize, int outSize)
        {
            double src = Math.Max(0, (dst + 0.5) * inSize / outSize - 0.5);
            int i0 = Math.Min((int)Math.Floor(src), inSize - 1);
            return (i0, Math.Min(i0 + 1, inSize - 1), src - i0);
        }
        var (x0, x1, lx) = Axis(dx, w, outW);
        var (y0, y1, ly) = Axis(dy, h, outH);
        double top = v[y0 * w + x0] * (1 - lx) + v[y0 * w + x1] * lx;
        double bottom = v[y1 * w + x0] * (1 - lx) + v[y1 * w + x1] * lx;
        return top * (1 - ly) + bottom * ly;
    }

    [Fact]
    public void MasksResizeByNearestNeighbourToInt64()
    {
        var mask = new LabelMask(2, 2, [0, 1, 2, 3]);
        using var up = Preprocessing.MaskToTensor(mask, new PreprocessingOptions(Side: 4));
        Assert.Equal(int64, up.dtype);
        Assert.Equal(new long[] { 4, 4 }, up.shape);
        Assert.Equal(new long[] { 0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3 }, up.data<long>().ToArray());

        var big = new LabelMask(4, 4, Enumerable.Range(0, 16).Select(i => (byte)i).ToArray());
        using var down = Preprocessing.MaskToTensor(big, new PreprocessingOptions(Side: 2));
        Assert.Equal(new long[] { 0, 2, 8, 10 }, down.data<long>().ToArray());
    }

    [Fact]
    public void RestoredLabelsFollowTheProbabilitiesBackToTheOriginalSize()
    {
        // One-hot probabilities of a 2x2 label map; stretched back to 4x6 each quadrant keeps its class.
        using var labels = tensor(new long[] { 0, 1, 2, 1 }, [2, 2]);
        using var probabilities = nn.functional.one_hot(labels, 3).permute(2, 0, 1).to(float32);
        var restored = ScoreRestoration.RestoreLabels(probabilities, 4, 6, ScoreKind.Probabilities);
        Assert.Equal((6, 4), (restored.Width, restored.Height));
        Assert.Equal(new byte[] { 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1 }, restored.Labels);

        // Logits of the same decision give the same labels, and restored probabilities sum to one.
        using var logits = (probabilities * 5 - 2).unsqueeze(0);
        Assert.Equal(restored.Labels, ScoreRestoration.RestoreLabels(logits, 4, 6, ScoreKind.Logits).Labels);
        using var p = ScoreRestoration.RestoreProbabilities(logits, 4, 6, ScoreKind.Logits);
        Assert.Equal(new long[] { 3, 4, 6 }, p.shape);
        // Named: a bare literal 0 would bind to sum(ScalarType) and mean Byte.
        using var sums = p.sum(dim: 0);
        Assert.True(sums.allclose(ones(4, 6), rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void PreparedRealSizedSliceHasThePaperShape()
    {
        var image = new GreyImage(351, 457, new float[351 * 457], IntensityScale.Display8Bit);
        var mask = new LabelMask(351, 457, new byte[351 * 457]);
        using var sample = Preprocessing.Prepare(new SegmentationSample("1", image, mask), new PreprocessingOptions());
        Assert.Equal(new long[] { 1, 369, 369 }, sample.Image.shape);
        Assert.Equal(new long[] { 369, 369 }, sample.Mask.shape);
        Assert.Equal("1", sample.Id);
    }

    [Fact]
    public void BadScoreMapShapeIsRefused()
    {
        using var flat = zeros(3, 4);
        var e = Assert.Throws<ArgumentException>(() => ScoreRestoration.RestoreLabels(flat, 2, 2, ScoreKind.Logits));
        Assert.Equal("expected a [C, H, W] or [1, C, H, W] score map, got shape [3, 4]", e.Message);
    }

    [Fact]
    public void OptionsValidateAndSurviveJson()
    {
        Assert.Equal(new PreprocessingOptions(369, -600, 1500), new PreprocessingOptions());
        var options = new PreprocessingOptions(Side: 256, WindowLevel: -500, WindowWidth: 1400);
        Assert.Equal(options, JsonSerializer.Deserialize<PreprocessingOptions>(JsonSerializer.Serialize(options)));
        Assert.Equal("preprocessing side must be at least 1, got 0", Assert.Throws<CovidSegException>(() => new PreprocessingOptions(Side: 0).Validate()).Message);
        Assert.Equal("window width must be a positive number, got -1", Assert.Throws<CovidSegException>(() => new PreprocessingOptions(WindowWidth: -1).Validate()).Message);
    }
}
