using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CovidSeg.Models;

/// <summary>
/// One up-sampling block of the U-Net decoder (Chen, Yao, Zhang 2020, sections II-A and II-C, Fig. 1): a 2 x 2
/// transposed convolution with stride 2 that doubles the resolution and halves the width, concatenation with the
/// encoder's skip features, optionally self-attention over the concatenated map (the slot any
/// <see cref="AttentionKind"/> fills; the paper's is LSH, Kitaev et al. 2020: "concatenates them with the output of
/// deconvolutional layer followed by LSH attention"), then two 3 x 3
/// convolutions. The attention's output replaces the concatenated features (the attention module is expected to
/// carry its own residual path, as Reformer layers do).
/// </summary>
public sealed class DecoderBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ConvTranspose2d up;
    private readonly nn.Module<Tensor, Tensor>? attention;
    private readonly DoubleConv convs;

    /// <param name="attention">
    /// What attends over the joined map (<see cref="DecoderAttention.Create"/>), named "attention" so its weights keep
    /// their checkpoint names; null for none.
    /// </param>
    public DecoderBlock(string name, long inChannels, long skipChannels, long outChannels, NormKind norm,
        nn.Module<Tensor, Tensor>? attention) : base(name)
    {
        long upChannels = inChannels / 2;
        ConcatChannels = skipChannels + upChannels;
        up = nn.ConvTranspose2d(inChannels, upChannels, 2, stride: 2);
        this.attention = attention;
        convs = new DoubleConv("convs", ConcatChannels, outChannels, norm);
        RegisterComponents();
    }

    /// <summary>Width of the concatenated map (skip + up-sampled), which the attention sees.</summary>
    public long ConcatChannels { get; }

    public nn.Module<Tensor, Tensor>? Attention => attention;

    /// <summary>Up-samples <paramref name="input"/>, joins <paramref name="skip"/>, attends, convolves.</summary>
    /// <param name="input">Features from the level below (N x in x h x w).</param>
    /// <param name="skip">Encoder features of this level (N x skip x 2h x 2w).</param>
    public override Tensor forward(Tensor input, Tensor skip)
    {
        using var scope = NewDisposeScope();
        var x = cat([skip, up.call(input)], dim: 1);
        if (attention is not null) x = attention.call(x);
        return convs.call(x).MoveToOuterDisposeScope();
    }
}
