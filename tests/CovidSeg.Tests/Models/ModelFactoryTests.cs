using System.Text.Json;
using CovidSeg.Models;

namespace CovidSeg.Tests.Models;

public class ModelFactoryTests
{
    [Fact]
    public void NamesAreTheFourComparedNetworks()
    {
        Assert.Equal(new[] { "unet", "resnext-unet", "lsh-attention-unet", "res-attention-unet" }, Architectures.Names);
        Assert.Equal("res-attention-unet", new ModelOptions().Arch);
    }

    [Theory]
    [InlineData("unet", false, false)]
    [InlineData("resnext-unet", true, false)]
    [InlineData("lsh-attention-unet", false, true)]
    [InlineData("res-attention-unet", true, true)]
    public void EachNameBuildsItsNetwork(string arch, bool resnext, bool attention)
    {
        using var net = (UNetFamilyNetwork)ModelFactory.Create(TinyConfigs.Narrow(arch), seed: 1);
        Assert.Equal(arch, net.GetName());
        Assert.Equal(arch, net.Options.Arch);
        Assert.Equal(resnext, net.Architecture.UsesResNeXt);
        Assert.Equal(resnext, net.EncoderBlocks.All(b => b is ResNeXtStage));
        Assert.Equal(!resnext, net.EncoderBlocks.All(b => b is DoubleConv));
        Assert.Equal(attention, net.DecoderBlocks.Any(d => d.Attention is LshAttention2d));
        Assert.Equal(attention, net.DecoderBlocks.Any(d => d.Attention is not null));
    }

    [Fact]
    public void TheOldNameOfTheLshAttentionUNetIsAnAlias()
    {
        var options = TinyConfigs.Narrow("attention-unet");
        Assert.Equal("lsh-attention-unet", options.Arch);
        Assert.Equal("lsh-attention-unet", Architectures.Find("attention-unet").Name);
        Assert.Equal("M - R (no ResNeXt)", Architectures.PaperName("attention-unet"));
        using var net = ModelFactory.Create(options, seed: 1);
        Assert.Equal("lsh-attention-unet", net.GetName());
        Assert.Null(Architectures.TryFind("vnet"));
        Assert.Contains("lsh-attention-unet (or attention-unet)", Architectures.Listing());
    }

    [Fact]
    public void EveryAttentionKindFillsTheDecoderSlot()
    {
        Assert.Null(DecoderAttention.Create(AttentionKind.None, 0, 16, new LshAttentionOptions()));
        using var lsh = DecoderAttention.Create(AttentionKind.Lsh, 2, 16, new LshAttentionOptions(Seed: 10));
        Assert.Equal(12, Assert.IsType<LshAttention2d>(lsh).Options.Seed);
        using var full = DecoderAttention.Create(AttentionKind.Full, 0, 16, new LshAttentionOptions(Heads: 4));
        Assert.Equal(16, Assert.IsType<FullSelfAttention2d>(full).Channels);
        // The full-attention slot keeps the shape of the map it attends over, like the LSH one.
        using var block = new DecoderBlock("d", 16, 8, 8, NormKind.None, DecoderAttention.Create(AttentionKind.Full, 0, 16, new LshAttentionOptions()));
        using var y = block.call(TorchSharp.torch.zeros(1, 16, 4, 4), TorchSharp.torch.zeros(1, 8, 8, 8));
        Assert.Equal(new long[] { 1, 8, 8, 8 }, y.shape);
    }

    [Fact]
    public void OneBucketIsAcceptedByTheNetworkAsByTheLayer()
    {
        var options = TinyConfigs.Narrow("lsh-attention-unet") with { Attention = new LshAttentionOptions(Buckets: 1) };
        using var net = ModelFactory.Create(options, seed: 1);
        Assert.Throws<CovidSegException>(() => ModelFactory.Create(options with { Attention = new LshAttentionOptions(Buckets: 3) }));
    }

    [Fact]
    public void UnknownNameListsTheKnownOnes()
    {
        var e = Assert.Throws<CovidSegException>(() => ModelFactory.Create(new ModelOptions { Arch = "vnet" }));
        Assert.Contains("'vnet'", e.Message);
        foreach (var name in Architectures.Names) Assert.Contains(name, e.Message);
    }

    [Theory]
    [InlineData("cardinality 8 must divide the bottleneck width 4", 8, 8, 4, new[] { 0 })]
    [InlineData("attention level 4 does not exist", 16, 8, 4, new[] { 4 })]
    [InlineData("depth must be between 1 and 8", 16, 8, 0, new[] { 0 })]
    [InlineData("base width must be an even number", 7, 1, 4, new[] { 0 })]
    public void BadOptionsAreNamedErrors(string expected, int width, int cardinality, int depth, int[] levels)
    {
        var options = new ModelOptions { BaseWidth = width, ResNeXt = new ResNeXtOptions(Cardinality: cardinality), Depth = depth, AttentionLevels = levels };
        var e = Assert.Throws<CovidSegException>(() => ModelFactory.Create(options));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void OptionsSurviveAJsonRoundTrip()
    {
        var options = new ModelOptions
        {
            Arch = "lsh-attention-unet", Classes = 4, BaseWidth = 24, Depth = 3, Norm = NormKind.Group,
            ResNeXt = new ResNeXtOptions(Cardinality: 4, BottleneckRatio: 0.25, BlocksPerLevel: 1), AttentionLevels = [2, 0],
            Attention = new LshAttentionOptions(Heads: 4, Rounds: 3, ChunkSize: 32, Buckets: 8, Seed: 99),
        };
        string json = JsonSerializer.Serialize(options);
        Assert.Contains("\"Norm\":\"Group\"", json);
        Assert.DoesNotContain("SizeMultiple", json);
        var back = JsonSerializer.Deserialize<ModelOptions>(json)!;
        Assert.Equal(options, back);
        Assert.Equal(new[] { 2, 0 }, back.AttentionLevels);
        Assert.NotEqual(options, back with { AttentionLevels = [0, 2] });
        Assert.Equal(new ModelOptions(), JsonSerializer.Deserialize<ModelOptions>("{}"));
    }
}
