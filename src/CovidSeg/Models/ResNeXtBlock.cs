using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Models;

/// <summary>
/// Aggregated residual transformation (Xie, Girshick, Dollár, Tu, He, "Aggregated Residual Transformations for Deep
/// Neural Networks", CVPR 2017), in its grouped-convolution bottleneck form (their Fig. 3c):
/// 1 x 1 convolution down to the bottleneck width, 3 x 3 convolution in <c>cardinality</c> groups, 1 x 1 convolution
/// up to the output width, each normalised; then y = ReLU(x + F(x)), where x passes unchanged when the widths agree
/// and through a 1 x 1 projection (with normalisation) when they do not. The grouped 3 x 3 is the sum over
/// <c>cardinality</c> parallel paths of the paper's formula y = x + sum_j T_j(x) (Chen, Yao, Zhang 2020, section II-B).
/// </summary>
public sealed class ResNeXtBlock : nn.Module<Tensor, Tensor>
{
    private readonly ConvNormRelu reduce;
    private readonly ConvNormRelu grouped;
    private readonly ConvNormRelu expand;
    private readonly ConvNormRelu? projection;

    public ResNeXtBlock(string name, long inChannels, long outChannels, long bottleneckWidth, int cardinality, NormKind norm)
        : base(name)
    {
        if (cardinality < 1 || bottleneckWidth % cardinality != 0)
            throw new CovidSegException($"ResNeXt cardinality {cardinality} must divide the bottleneck width {bottleneckWidth}");
        InChannels = inChannels;
        OutChannels = outChannels;
        BottleneckWidth = bottleneckWidth;
        Cardinality = cardinality;
        reduce = new ConvNormRelu("reduce", inChannels, bottleneckWidth, 1, norm);
        grouped = new ConvNormRelu("grouped", bottleneckWidth, bottleneckWidth, 3, norm, groups: cardinality);
        // No ReLU before the sum: the residual path must be able to push the sum both ways.
        expand = new ConvNormRelu("expand", bottleneckWidth, outChannels, 1, norm, activate: false);
        projection = inChannels == outChannels ? null : new ConvNormRelu("projection", inChannels, outChannels, 1, norm, activate: false);
        RegisterComponents();
    }

    public long InChannels { get; }
    public long OutChannels { get; }
    public long BottleneckWidth { get; }
    public int Cardinality { get; }

    /// <summary>The 3 x 3 grouped convolution (its <c>groups</c> is the cardinality).</summary>
    public ConvNormRelu GroupedConvolution => grouped;

    /// <summary>The last 1 x 1 convolution of the residual branch (zeroing it makes the block ReLU(shortcut)).</summary>
    public ConvNormRelu ExpandConvolution => expand;

    /// <summary>Whether the shortcut is a 1 x 1 projection (widths differ) rather than the identity.</summary>
    public bool HasProjection => projection is not null;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var residual = expand.call(grouped.call(reduce.call(input)));
        var shortcut = projection is null ? input : projection.call(input);
        return nn.functional.relu(shortcut + residual).MoveToOuterDisposeScope();
    }
}
