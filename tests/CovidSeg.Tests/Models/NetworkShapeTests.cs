using CovidSeg.Models;
using CovidSeg.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Models;

public class NetworkShapeTests
{
    public static TheoryData<string, int, int> ArchAndSize()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var arch in Architectures.Names)
        {
            data.Add(arch, 369, 369);
            data.Add(arch, 255, 301);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ArchAndSize))]
    public void ForwardAndBackwardKeepTheInputSize(string arch, int height, int width)
    {
        using var scope = NewDisposeScope();
        // Width 4 keeps eight full-size forward and backward passes within a few seconds each on two cores.
        using var net = ModelFactory.Create(TinyConfigs.Narrow(arch, classes: 4) with { BaseWidth = 4, ResNeXt = new ResNeXtOptions(Cardinality: 2) }, seed: 7);
        var x = randn(1, 1, height, width);
        var target = randint(0, 4, [1, height, width], dtype: int64);

        var logits = net.call(x);
        Assert.Equal(new long[] { 1, 4, height, width }, logits.shape);

        var loss = nn.functional.cross_entropy(logits, target);
        // Training's own backward path: width 4 is where oneDNN's backward kernels are wrong (BackwardKernelChoice).
        BackwardKernelChoice.Check(loss, net).Backward(loss);
        Assert.True(float.IsFinite(loss.item<float>()));
        foreach (var (name, p) in net.named_parameters())
        {
            Assert.True(p.grad is not null, $"{arch}: no gradient reached {name}");
            Assert.True(p.grad!.isfinite().all().item<bool>(), $"{arch}: non-finite gradient in {name}");
        }
        // The first convolution sits furthest from the loss: a non-zero gradient there proves the whole path is connected.
        var firstWeight = net.named_parameters().First().parameter;
        Assert.True(firstWeight.grad!.abs().sum().item<float>() > 0, $"{arch}: zero gradient at the first layer");
    }

    [Theory]
    [InlineData("unet")]
    [InlineData("res-attention-unet")]
    public void WrongChannelCountIsAClearError(string arch)
    {
        using var net = ModelFactory.Create(TinyConfigs.Narrow(arch), seed: 1);
        using var x = zeros(1, 3, 32, 32);
        var e = Assert.Throws<CovidSegException>(() => net.call(x));
        Assert.Contains("N x 1 x H x W", e.Message);
        Assert.Contains("[1, 3, 32, 32]", e.Message);
    }

    [Fact]
    public void SameSeedGivesTheSameWeights()
    {
        var options = TinyConfigs.Narrow("res-attention-unet");
        using var a = ModelFactory.Create(options, seed: 5);
        using var b = ModelFactory.Create(options, seed: 5);
        using var c = ModelFactory.Create(options, seed: 6);
        var pa = a.parameters().ToList();
        var pb = b.parameters().ToList();
        var pc = c.parameters().ToList();
        Assert.All(pa.Zip(pb), p => Assert.True(p.First.allclose(p.Second, 0, 0)));
        Assert.Contains(pa.Zip(pc), p => !p.First.allclose(p.Second, 0, 0));
    }
}
