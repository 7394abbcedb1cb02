using System.Text.Json;
using CovidSeg.Models;

namespace CovidSeg.Tests.Models;

public class ModelFactoryTests
{
    [Fact]
    public void NamesAreTheFourComparedNetworks()
    {
        Assert.Equal(new[] { "unet", "resnext-unet", "attention-unet", "res-attention-unet" }, ModelFactory.Names);
        Assert.Equal("res-attention-unet", new ModelOptions().Arch);
    }

    [Theory]
    [InlineData("unet", typeof(UNet), false, false)]
    [InlineData("resnext-unet", typeof(ResNeXtUNet), true, false)]
    [InlineData("attention-unet", typeof(AttentionUNet), false, true)]
    [InlineData("res-attention-unet", typeof(ResidualAttentionUNet), true, true)]
    public void EachNameBuildsItsNetwork(string arch, Type type, bool resnext, bool attention)
    {
        using var net = (UNetFamilyNetwork)ModelFactory.Create(TinyConfigs.Narrow(arch), seed: 1);
        Assert.IsType(type, net);
        Assert.Equal(arch, net.Options.Arch);
        Assert.Equal(resnext, net.UsesResNeXtEncoder);
        Assert.Equal(resnext, net.EncoderBlocks.All(b => b is ResNeXtStage));
        Assert.Equal(attention, net.DecoderBlocks.Any(d => d.Attention is not null));
    }

    [Fact]
    public void UnknownNameListsTheKnownOnes()
    {
        var e = Assert.Throws<CovidSegException>(() => ModelFactory.Create(new ModelOptions { Arch = "vnet" }));
        Assert.Contains("'vnet'", e.Message);
        foreach (var name in ModelFactory.Names) Assert.Contains(name, e.Message);
    }

    [Theory]
    [InlineData("cardinality 8 must divide the bottleneck width 4", 8, 8, 4, new[] { 0 })]
    [InlineData("attention level 4 does not exist", 16, 8, 4, new[] { 4 })]
    [InlineData("depth must be between 1 and 8", 16, 8, 0, new[] { 0 })]
    [InlineData("base width must be an even number", 7, 1, 4, new[] { 0 })]
    public void BadOptionsAreNamedErrors(string expected, int width, int cardinality, int depth, int[] levels)
    {
        var options = new ModelOptions { BaseWidth = width, Cardinality = cardinality, Depth = depth, AttentionLevels = levels };
        var e = Assert.Throws<CovidSegException>(() => ModelFactory.Create(options));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void OptionsSurviveAJsonRoundTrip()
    {
        var options = new ModelOptions
        {
            Arch = "attention-unet", Classes = 4, BaseWidth = 24, Depth = 3, Norm = NormKind.Group, Cardinality = 4,
            BottleneckRatio = 0.25, ResNeXtBlocksPerLevel = 1, AttentionLevels = [2, 0],
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
