using CovidSeg.Data;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Data;

public class ResamplingTests
{
    [Fact]
    public void BilinearSamplesPixelCentresWithoutAligningCorners()
    {
        // 2 x 2 -> 4 x 4: output centres fall at -0.25, 0.25, 0.75, 1.25 input pixels, clamped to the edge; the
        // input is 2 y + x, so the output is 2 y' + x' at those positions.
        using var input = tensor(new float[] { 0, 1, 2, 3 }).reshape(1, 2, 2);
        using var output = Resampling.Bilinear(input, 4, 4);
        double[] at = [0, 0.25, 0.75, 1];
        Assert.Equal(new long[] { 1, 4, 4 }, output.shape);
        for (int y = 0; y < 4; y++)
        for (int x = 0; x < 4; x++)
            Assert.Equal(2 * at[y] + at[x], output[0, y, x].item<float>(), 5);
    }

    [Fact]
    public void BilinearResizesEachChannelOnItsOwnAndKeepsConstantsConstant()
    {
        using var input = cat([full(1, 3, 5, 7f), full(1, 3, 5, -2f)], 0);
        using var output = Resampling.Bilinear(input, 6, 4);
        Assert.Equal(new long[] { 2, 6, 4 }, output.shape);
        Assert.True(output[0].eq(7f).all().item<bool>());
        Assert.True(output[1].eq(-2f).all().item<bool>());
    }

    [Fact]
    public void NearestCopiesLabelsAndKeepsTheirType()
    {
        using var labels = tensor(new byte[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var up = Resampling.Nearest(labels, 4, 4);
        Assert.Equal(ScalarType.Byte, up.dtype);
        Assert.Equal(new byte[] { 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 }, up.data<byte>().ToArray());
        using var down = Resampling.Nearest(up, 2, 2);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, down.data<byte>().ToArray());
    }

    [Fact]
    public void TheSameSizeGivesACopyNotTheInput()
    {
        using var input = tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 2, 2);
        using var output = Resampling.Bilinear(input, 2, 2);
        output.add_(1);
        Assert.Equal(1f, input[0, 0, 0].item<float>());
    }

    [Fact]
    public void AWrongRankIsRefused()
    {
        using var flat = zeros(4);
        Assert.Throws<ArgumentException>(() => Resampling.Bilinear(flat, 2, 2));
        Assert.Throws<ArgumentException>(() => Resampling.Nearest(flat, 2, 2));
    }
}
