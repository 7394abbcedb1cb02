using CovidSeg.Inference;
using CovidSeg.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Inference;

public class Fp32IslandsTests
{
    [Fact]
    public void AKeptLayerHoldsTheExactFp32WeightsAndStillTakesAndGivesBf16()
    {
        torch.manual_seed(4);
        using var fp32 = nn.Sequential(("conv", nn.Conv2d(1, 8, 1)), ("up", nn.ConvTranspose2d(8, 8, 2, stride: 2)));
        torch.manual_seed(4);
        using var bf16 = nn.Sequential(("conv", nn.Conv2d(1, 8, 1)), ("up", nn.ConvTranspose2d(8, 8, 2, stride: 2)));
        bf16.to(ScalarType.BFloat16);
        Fp32Islands.Keep(fp32, bf16, ["conv"]);
        var kept = bf16.named_modules().Single(m => m.name == "conv").module;
        var original = fp32.named_modules().Single(m => m.name == "conv").module;
        foreach (var ((name, value), (_, expected)) in kept.named_parameters().Zip(original.named_parameters()))
        {
            Assert.Equal(ScalarType.Float32, value.dtype);
            Assert.Equal(0f, (value - expected).abs().max().item<float>());
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var output = bf16.call(randn([1, 1, 6, 6], generator: new Generator(1)).to(ScalarType.BFloat16));
        Assert.Equal(ScalarType.BFloat16, output.dtype);
        Assert.Equal([1L, 8, 12, 12], output.shape);
    }

    [Fact]
    public void TheFullModelInBf16AgreesWithFp32LayerByLayerOnceFaultyLayersAreKept()
    {
        // On an AVX-512 BF16 CPU two 1x1 convolutions (1 -> 8 channels) come out wrong in bf16; elsewhere maybe none.
        var options = new ModelOptions { Arch = Architectures.ResidualAttentionUNetName, Classes = 3 };
        using var fp32 = ModelFactory.Create(options, seed: 1);
        using var bf16 = ModelFactory.Create(options, seed: 1);
        fp32.eval();
        bf16.eval();
        bf16.to(ScalarType.BFloat16);
        Fp32Islands.Keep(fp32, bf16, Bf16KernelCheck.WrongLayers(fp32, bf16).Select(w => w.Name).ToList());
        Assert.Null(Bf16KernelCheck.FirstWrongLayer(fp32, bf16));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var image = rand([1, 1, 64, 64], generator: new Generator(2));
        var expected = fp32.call(image);
        var actual = bf16.call(image.to(ScalarType.BFloat16)).to(ScalarType.Float32);
        double error = ((actual - expected).abs().max() / expected.abs().max()).item<float>();
        Assert.True(error < 0.03, $"whole-network bf16 output off by {error:P2} of its largest value");
    }
}
