using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CovidSeg.Models;

/// <summary>
/// One k x k convolution ("same" padding, stride 1), then the chosen normalisation, then (optionally) ReLU: the unit
/// every block of the U-Net family is built from (Ronneberger et al. 2015, with normalisation as in modern U-Nets).
/// </summary>
public sealed class ConvNormRelu : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly nn.Module<Tensor, Tensor>? norm;
    private readonly bool activate;

    public ConvNormRelu(string name, long inChannels, long outChannels, int kernelSize, NormKind normKind,
        long groups = 1, bool activate = true) : base(name)
    {
        conv = nn.Conv2d(inChannels, outChannels, kernelSize, padding: kernelSize / 2, groups: groups,
            bias: Normalization.ConvolutionNeedsBias(normKind));
        norm = Normalization.Create(normKind, outChannels);
        this.activate = activate;
        RegisterComponents();
    }

    /// <summary>The convolution (for tests and summaries: its groups, its weights).</summary>
    public Conv2d Convolution => conv;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = conv.call(input);
        if (norm is not null) x = norm.call(x);
        if (activate) x = nn.functional.relu(x);
        return x.MoveToOuterDisposeScope();
    }
}
