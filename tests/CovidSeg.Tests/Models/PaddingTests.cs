using CovidSeg.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Models;

public class PaddingTests
{
    [Theory]
    [InlineData(369, 15)]
    [InlineData(384, 0)]
    [InlineData(255, 1)]
    [InlineData(301, 3)]
    [InlineData(1, 15)]
    public void PadsEachSideUpToTheNextMultipleOfTwoToTheDepth(long size, long expected)
    {
        using var net = ModelFactory.Create(new ModelOptions { Arch = "unet", BaseWidth = 2 }, seed: 1);
        Assert.Equal(16, net.Options.SizeMultiple);
        Assert.Equal(expected, net.PaddingFor(size));
    }

    [Theory]
    [InlineData("unet")]
    [InlineData("res-attention-unet")]
    public void LogitsAreTheTopLeftCropOfTheZeroPaddedImagesLogits(string arch)
    {
        // Depth 2 pads to multiples of 4: a 13 x 22 image becomes 16 x 24.
        using var scope = NewDisposeScope();
        using var net = ModelFactory.Create(new ModelOptions { Arch = arch, BaseWidth = 4, Depth = 2, ResNeXt = new ResNeXtOptions(Cardinality: 2), Classes = 3 }, seed: 3);
        net.eval();
        using var noGrad = no_grad();
        var image = randn(2, 1, 13, 22);
        var padded = zeros(2, 1, 16, 24);
        padded[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(0, 13), TensorIndex.Slice(0, 22)] = image;

        var logits = net.call(image);
        var paddedLogits = net.call(padded);

        Assert.Equal(new long[] { 2, 3, 13, 22 }, logits.shape);
        Assert.Equal(new long[] { 2, 3, 16, 24 }, paddedLogits.shape);
        var topLeft = paddedLogits[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(0, 13), TensorIndex.Slice(0, 22)];
        Assert.True(topLeft.allclose(logits, rtol: 0, atol: 1e-5), "the crop must be the top-left 13 x 22 of the padded result");
        // Shifting the crop by one pixel gives different numbers, so the check above can tell alignments apart.
        var shifted = paddedLogits[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(1, 14), TensorIndex.Slice(0, 22)];
        Assert.False(shifted.allclose(logits, rtol: 0, atol: 1e-5));
    }
}
