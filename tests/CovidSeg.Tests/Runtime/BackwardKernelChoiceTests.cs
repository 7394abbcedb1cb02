using CovidSeg.Models;
using CovidSeg.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Runtime;

/// <summary>
/// The fix for training that diverged at random: libtorch 2.10's oneDNN convolution backward-data kernels are wrong
/// when a 3x3 convolution's channels are not a whole number of vector blocks, so each network's backward pass is
/// checked against libtorch's own kernels and runs on oneDNN only where they agree.
/// </summary>
public sealed class BackwardKernelChoiceTests
{
    [Fact]
    public void NnpackIsOffAndOneDnnOnInThisProcess()
    {
        Assert.Null(NnpackSwitch.Failure);
        Assert.False(NnpackSwitch.Enabled);
        Assert.True(OneDnnSwitch.Enabled);
        Assert.False(AllocatorJunkFill.Enabled);
    }

    /// <summary>
    /// 4 channels are a whole block on no CPU (8 floats with AVX2, 16 with AVX-512); 16 are on every one. This is the
    /// measured verdict alone (oneDNN three times under junk fill), without the shape rule.
    /// </summary>
    [Fact]
    public void MeasuredOneDnnGradientsAreWrongForFourChannelsAndRightForSixteen()
    {
        var verdicts = ConvolutionBackwardCheck.Run([4, 16]).ToDictionary(v => v.Channels, v => v.Verdict);
        Assert.False(verdicts[4].UseOneDnn, verdicts[4].Reason);
        Assert.Contains("oneDNN's gradients for this network are wrong on this CPU: ", verdicts[4].Reason);
        Assert.True(verdicts[16].UseOneDnn, verdicts[16].Reason);
        Assert.True(OneDnnSwitch.Enabled); // restored after the check
        Assert.False(AllocatorJunkFill.Enabled);
    }

    /// <summary>
    /// Finite is not enough: the chosen kernels' gradients must be right. float64 convolutions do not go through
    /// oneDNN, so they are an independent reference, for channel counts that are whole vector blocks and ones that are not.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(16)]
    [InlineData(24)]
    [InlineData(8, 8)]
    [InlineData(16, 8)]
    [InlineData(24, 8)]
    [InlineData(64, 8)]
    public void ChosenKernelsGiveTheGradientsOfADoublePrecisionReference(int channels, int groups = 1)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(channels);
        using var conv = nn.Conv2d(channels, channels, 3, padding: 1, groups: groups);
        var input = torch.randn(2, channels, 37, 41);
        var outputGradient = torch.randn(2, channels, 37, 41);

        var x = input.detach().requires_grad_(true);
        var loss = conv.forward(x).mul(outputGradient).sum();
        var choice = BackwardKernelChoice.Check(loss, conv, inputNeedsGradient: true);
        choice.Backward(loss);

        using var reference = nn.Conv2d(channels, channels, 3, padding: 1, groups: groups);
        reference.load_state_dict(conv.state_dict());
        reference.to(ScalarType.Float64);
        var x64 = input.to(ScalarType.Float64).requires_grad_(true);
        reference.forward(x64).mul(outputGradient.to(ScalarType.Float64)).sum().backward();

        double inputError = (x.grad!.to(ScalarType.Float64) - x64.grad!).abs().max().item<double>();
        double weightError = (conv.weight!.grad!.to(ScalarType.Float64) - reference.weight!.grad!).abs().max().item<double>();
        Assert.True(inputError < 1e-4, $"{channels} channels, {choice.Reason}: input gradient off by {inputError}");
        Assert.True(weightError < 1e-4 * reference.weight!.grad!.abs().max().item<double>(), $"{channels} channels: weight gradient off by {weightError}");
    }

    /// <summary>Inference keeps oneDNN: its forward pass must give what libtorch's own kernels give, for every network.</summary>
    [Theory]
    [InlineData(Architectures.UNetName, 4)]
    [InlineData(Architectures.UNetName, 8)]
    [InlineData(Architectures.UNetName, 16)]
    [InlineData(Architectures.ResNeXtUNetName, 8)]
    [InlineData(Architectures.LshAttentionUNetName, 8)]
    [InlineData(Architectures.ResidualAttentionUNetName, 8)]
    [InlineData(Architectures.ResidualAttentionUNetName, 16)]
    public void ForwardPassesOnOneDnnMatchLibtorchsOwnKernels(string arch, int width)
    {
        using var scope = torch.NewDisposeScope();
        using var net = ModelFactory.Create(new ModelOptions { Arch = arch, Classes = 3, BaseWidth = width, ResNeXt = new ResNeXtOptions(Cardinality: 4) }, seed: 3);
        net.eval();
        var x = torch.randn(new long[] { 2, 1, 75, 83 }, generator: new Generator(5));
        using var noGrad = torch.no_grad();
        var withOneDnn = net.forward(x);
        Assert.True(OneDnnSwitch.TrySet(false));
        Tensor withoutOneDnn;
        try
        {
            withoutOneDnn = net.forward(x);
        }
        finally
        {
            OneDnnSwitch.TrySet(true);
        }
        double error = (withOneDnn - withoutOneDnn).abs().max().item<float>();
        Assert.True(error < 1e-4, $"{arch} width {width}: forward passes differ by {error}");
    }

    [Theory]
    [InlineData(4, 4, false, "convolution the layer has 4 output channels")]
    [InlineData(16, 16, true, null)]
    [InlineData(1, 16, true, null)] // a first layer's input side is never computed for an image
    [InlineData(16, 24, false, "has 24 output channels")]
    [InlineData(16, 16, true, null, 8)] // grouped: 2 channels per group, on kernels that were right for every shape tried
    public void TheShapeRuleSendsNarrowConvolutionsToLibtorchsOwnKernels(int inputs, int outputs, bool oneDnn, string? why, int groups = 1)
    {
        using var scope = torch.NewDisposeScope();
        using var conv = nn.Conv2d(inputs, outputs, 3, padding: 1, groups: groups);
        var loss = conv.forward(torch.randn(1, inputs, 32, 32)).sum();
        var choice = BackwardKernelChoice.Check(loss, conv);
        Assert.Equal(oneDnn, choice.UseOneDnn);
        if (why is not null) Assert.Contains(why, choice.Reason);
    }

    /// <summary>
    /// The default width-16 networks pass the shape rule: only the first convolution has a narrow (1-channel) input,
    /// and its input gradient is never computed. (A regression: the rule once took the first module listed, a decoder
    /// layer, for the first layer run, and sent every real training run to the slower kernels.)
    /// </summary>
    [Theory]
    [InlineData(Architectures.UNetName)]
    [InlineData(Architectures.ResNeXtUNetName)]
    [InlineData(Architectures.LshAttentionUNetName)]
    [InlineData(Architectures.ResidualAttentionUNetName)]
    public void WidthSixteenNetworksPassTheShapeRule(string arch)
    {
        using var scope = torch.NewDisposeScope();
        using var net = ModelFactory.Create(new ModelOptions { Arch = arch, Classes = 3, BaseWidth = 16, Depth = 2, ResNeXt = new ResNeXtOptions(Cardinality: 4), AttentionLevels = [0] }, seed: 1);
        var loss = net.forward(torch.randn(1, 1, 32, 32)).sum();
        var choice = BackwardKernelChoice.Check(loss, net);
        Assert.DoesNotContain("channels", choice.Reason);
    }

    [Fact]
    public void InfoReportsTheKernelsAndNnpackWithoutLibtorchWarnings()
    {
        var (exit, output, error) = CovidSegProcess.Run(new Dictionary<string, string>(), "info", "--check-backward");
        Assert.True(exit == 0, output + error);
        Assert.Contains("backward kernels, Conv2d(4, 4, 3)", output);
        Assert.Contains("off (switched off by CovidSeg", output);
        Assert.Contains("oneDNN instruction set", output);
        Assert.DoesNotContain("NNPACK!", output + error);
        Assert.DoesNotContain("[W", error);
    }
}
