using CovidSeg.Models;

namespace CovidSeg.Tests.Models;

public class ParameterCountTests
{
    [Fact]
    public void TinyUNetWithoutNormalisationMatchesAHandCount()
    {
        // Depth 1, base width 2, 1 input channel, 2 classes, convolutions with bias.
        using var net = ModelFactory.Create(new ModelOptions { Arch = "unet", BaseWidth = 2, Depth = 1, Classes = 2, Norm = NormKind.None }, seed: 1);
        long encoder = (2 * 1 * 9 + 2) + (2 * 2 * 9 + 2);          // 3x3 1->2, 3x3 2->2: 20 + 38
        long bridge = (4 * 2 * 9 + 4) + (4 * 4 * 9 + 4);           // 3x3 2->4, 3x3 4->4: 76 + 148
        long decoder = (4 * 2 * 2 * 2 + 2)                         // 2x2 transposed 4->2: 34
                     + (2 * 4 * 9 + 2) + (2 * 2 * 9 + 2);          // concat 2+2=4, 3x3 4->2, 3x3 2->2: 74 + 38
        long head = 2 * 2 + 2;                                     // 1x1 2->2
        Assert.Equal(58, encoder);
        Assert.Equal(434, encoder + bridge + decoder + head);
        Assert.Equal(encoder + bridge + decoder + head, TinyConfigs.ParameterCount(net));
        Assert.Equal(encoder, TinyConfigs.ParameterCount(net.BlockModule("encoder0")));
        Assert.Equal(decoder, TinyConfigs.ParameterCount(net.BlockModule("decoder0")));
    }

    [Fact]
    public void BatchNormReplacesConvolutionBiasesWithScaleAndShift()
    {
        using var net = ModelFactory.Create(new ModelOptions { Arch = "unet", BaseWidth = 2, Depth = 1, Classes = 2, Norm = NormKind.Batch }, seed: 1);
        long encoder = (18 + 2 * 2) + (36 + 2 * 2);                // weights + (scale, shift) per channel
        long bridge = (72 + 2 * 4) + (144 + 2 * 4);
        long decoder = 34 + (72 + 2 * 2) + (36 + 2 * 2);           // transposed conv keeps its bias (no norm after it)
        long head = 6;
        Assert.Equal(450, encoder + bridge + decoder + head);
        Assert.Equal(450, TinyConfigs.ParameterCount(net));
    }

    [Fact]
    public void TinyResNeXtUNetMatchesAHandCount()
    {
        // Depth 1, base width 4, bottleneck 2, cardinality 2, one ResNeXt block, 2 classes, no normalisation.
        using var net = ModelFactory.Create(new ModelOptions
        {
            Arch = "resnext-unet", BaseWidth = 4, Depth = 1, Classes = 2, Norm = NormKind.None,
            ResNeXt = new ResNeXtOptions(Cardinality: 2, BottleneckRatio: 0.5, BlocksPerLevel: 1),
        }, seed: 1);
        long encoder = (2 * 1 + 2)                                 // 1x1 reduce 1->2
                     + (2 * (2 / 2) * 9 + 2)                       // 3x3 grouped 2->2 in 2 groups: each output sees 1 input channel
                     + (4 * 2 + 4)                                 // 1x1 expand 2->4
                     + (4 * 1 + 4);                                // 1x1 projection shortcut 1->4
        long bridge = (8 * 4 * 9 + 8) + (8 * 8 * 9 + 8);
        long decoder = (8 * 4 * 4 + 4) + (4 * 8 * 9 + 4) + (4 * 4 * 9 + 4);
        long head = 4 * 2 + 2;
        Assert.Equal(44, encoder);
        Assert.Equal(1506, encoder + bridge + decoder + head);
        Assert.Equal(1506, TinyConfigs.ParameterCount(net));
    }

    [Fact]
    public void AttentionVariantsDifferFromTheirBaseOnlyByTheAttentionLayers()
    {
        var options = TinyConfigs.Narrow("unet");
        using var unet = ModelFactory.Create(options, seed: 1);
        using var attention = (UNetFamilyNetwork)ModelFactory.Create(options with { Arch = "lsh-attention-unet" }, seed: 1);
        using var resnext = ModelFactory.Create(options with { Arch = "resnext-unet" }, seed: 1);
        using var full = (UNetFamilyNetwork)ModelFactory.Create(options with { Arch = "res-attention-unet" }, seed: 1);

        static long AttentionParameters(UNetFamilyNetwork n) =>
            n.DecoderBlocks.Where(d => d.Attention is not null).Sum(d => TinyConfigs.ParameterCount(d.Attention!));

        Assert.Equal(TinyConfigs.ParameterCount(unet), TinyConfigs.ParameterCount(attention) - AttentionParameters(attention));
        Assert.Equal(TinyConfigs.ParameterCount(resnext), TinyConfigs.ParameterCount(full) - AttentionParameters(full));
        Assert.NotEqual(TinyConfigs.ParameterCount(unet), TinyConfigs.ParameterCount(resnext));
    }

    [Fact]
    public void AttentionSitsInTheChosenDecoderLevelsOnTheConcatenatedWidth()
    {
        using var net = (UNetFamilyNetwork)ModelFactory.Create(TinyConfigs.Narrow("lsh-attention-unet") with { AttentionLevels = [0, 2] }, seed: 1);
        var present = net.DecoderBlocks.Select(d => d.Attention is not null).ToArray();
        Assert.Equal(new[] { true, false, true, false }, present);
        // Width 8, depth 4: decoder level 0 joins 64 up-sampled + 64 skip channels; level 2 joins 16 + 16.
        Assert.Equal(128, ((LshAttention2d)net.DecoderBlocks[0].Attention!).Channels);
        Assert.Equal(32, ((LshAttention2d)net.DecoderBlocks[2].Attention!).Channels);
        Assert.Equal(net.Options.Attention.Seed + 2, ((LshAttention2d)net.DecoderBlocks[2].Attention!).Options.Seed);
    }

    [Fact]
    public void PlainNetworksHaveNoAttentionEvenWithLevelsSet()
    {
        using var net = (UNetFamilyNetwork)ModelFactory.Create(TinyConfigs.Narrow("resnext-unet") with { AttentionLevels = [0, 1, 2, 3] }, seed: 1);
        Assert.All(net.DecoderBlocks, d => Assert.Null(d.Attention));
    }
}
