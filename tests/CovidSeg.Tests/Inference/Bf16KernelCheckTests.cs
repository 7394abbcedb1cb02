using CovidSeg.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Inference;

public class Bf16KernelCheckTests
{
    private static nn.Module<Tensor, Tensor> Layers(long seed)
    {
        torch.manual_seed(seed);
        return nn.Sequential(("conv", nn.Conv2d(16, 16, 3, padding: 1)), ("up", nn.ConvTranspose2d(16, 16, 2, stride: 2)));
    }

    [Fact]
    public void AFaithfulConversionPasses()
    {
        using var fp32 = Layers(seed: 4);
        using var bf16 = Layers(seed: 4);
        bf16.to(ScalarType.BFloat16);
        Assert.Null(Bf16KernelCheck.FirstWrongLayer(fp32, bf16));
    }

    [Fact]
    public void ALayerThatComputesSomethingElseIsNamed()
    {
        using var fp32 = Layers(seed: 4);
        using var bf16 = Layers(seed: 4);
        using (no_grad())
        {
            // Stands in for a faulty kernel: the transposed convolution's output is 10% off.
            var up = (TorchSharp.Modules.ConvTranspose2d)bf16.named_modules().Single(m => m.name == "up").module;
            up.weight!.mul_(1.1);
            up.bias!.mul_(1.1);
        }
        bf16.to(ScalarType.BFloat16);
        string? wrong = Bf16KernelCheck.FirstWrongLayer(fp32, bf16);
        Assert.NotNull(wrong);
        Assert.StartsWith("up (ConvTranspose2d, weight 16x16x2x2) is off by", wrong);
    }
}
