using static TorchSharp.torch;

namespace CovidSeg.Models;

/// <summary>
/// Two 3 x 3 convolutions, each with normalisation and ReLU: the feature block of the U-Net's encoder, bridge and
/// decoder (Ronneberger, Fischer, Brox 2015; Chen, Yao, Zhang 2020, section II-A).
/// </summary>
public sealed class DoubleConv : nn.Module<Tensor, Tensor>
{
    private readonly ConvNormRelu first;
    private readonly ConvNormRelu second;

    public DoubleConv(string name, long inChannels, long outChannels, NormKind norm) : base(name)
    {
        first = new ConvNormRelu("first", inChannels, outChannels, 3, norm);
        second = new ConvNormRelu("second", outChannels, outChannels, 3, norm);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return second.call(first.call(input)).MoveToOuterDisposeScope();
    }
}
