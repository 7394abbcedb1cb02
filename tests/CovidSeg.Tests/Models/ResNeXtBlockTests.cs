using CovidSeg.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Models;

public class ResNeXtBlockTests
{
    [Theory]
    [InlineData(NormKind.Batch)]
    [InlineData(NormKind.None)]
    [InlineData(NormKind.Group)]
    public void WithTheLastConvolutionZeroedTheBlockIsReluOfItsInput(NormKind norm)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(11);
        using var block = new ResNeXtBlock("b", 8, 8, 4, 2, norm);
        Assert.False(block.HasProjection);
        using (no_grad())
        {
            block.ExpandConvolution.Convolution.weight!.zero_();
            block.ExpandConvolution.Convolution.bias?.zero_();
        }
        var x = randn(2, 8, 5, 7);
        var y = block.call(x);
        Assert.True(y.allclose(nn.functional.relu(x), rtol: 0, atol: 1e-6));
        // And the block is not the identity in general: with its weights it transforms x.
        using var fresh = new ResNeXtBlock("c", 8, 8, 4, 2, norm);
        Assert.False(fresh.call(x).allclose(nn.functional.relu(x), rtol: 0, atol: 1e-3));
    }

    [Fact]
    public void ChangingWidthUsesAProjectionShortcut()
    {
        using var scope = NewDisposeScope();
        using var block = new ResNeXtBlock("b", 4, 8, 4, 2, NormKind.None);
        Assert.True(block.HasProjection);
        var y = block.call(randn(1, 4, 6, 6));
        Assert.Equal(new long[] { 1, 8, 6, 6 }, y.shape);
        Assert.True(y.min().item<float>() >= 0, "the block ends with ReLU");
    }

    [Fact]
    public void GroupedConvolutionHasCardinalityGroups()
    {
        using var block = new ResNeXtBlock("b", 16, 16, 8, 4, NormKind.Batch);
        var conv = block.GroupedConvolution.Convolution;
        Assert.Equal(4, conv.groups);
        Assert.Equal(new long[] { 8, 8 / 4, 3, 3 }, conv.weight!.shape);
    }

    [Fact]
    public void EveryEncoderBlockOfTheResNeXtNetworksUsesTheConfiguredCardinality()
    {
        foreach (var arch in new[] { "resnext-unet", "res-attention-unet" })
        {
            var options = new ModelOptions { Arch = arch, BaseWidth = 16, ResNeXt = new ResNeXtOptions(Cardinality: 8, BlocksPerLevel: 2) };
            using var net = (UNetFamilyNetwork)ModelFactory.Create(options, seed: 1);
            var blocks = net.EncoderBlocks.Cast<ResNeXtStage>().SelectMany(s => s.Blocks).ToList();
            Assert.Equal(options.Depth * 2, blocks.Count);
            Assert.All(blocks, b => Assert.Equal(8, b.GroupedConvolution.Convolution.groups));
            Assert.Equal(new long[] { 8, 16, 32, 64 }, net.EncoderBlocks.Cast<ResNeXtStage>().Select(s => s.Blocks[0].BottleneckWidth));
            // Only the first block of each level changes width.
            Assert.Equal(options.Depth, blocks.Count(b => b.HasProjection));
        }
    }

    [Fact]
    public void CardinalityThatDoesNotDivideTheBottleneckIsRejected()
    {
        Assert.Throws<CovidSegException>(() => new ResNeXtBlock("b", 8, 8, 6, 4, NormKind.Batch));
    }
}
