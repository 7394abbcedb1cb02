using TorchSharp;
using static TorchSharp.torch;
using CovidSeg.Runtime;

namespace CovidSeg.Models;

/// <summary>
/// A network mapping images N x InChannels x H x W to class logits N x Classes x H x W, for any H and W. Inputs whose
/// sides are not multiples of <see cref="ModelOptions.SizeMultiple"/> (e.g. the paper's 369 x 369 slices with four
/// 2 x 2 poolings) are zero-padded on the bottom and right, and the logits are cropped back to the top-left H x W, so
/// logit (y, x) always belongs to pixel (y, x). Zero padding matches what every 3 x 3 convolution already does at
/// the border; the image is never resized inside the model. Softmax and argmax are the caller's.
/// </summary>
public abstract class SegmentationNetwork : nn.Module<Tensor, Tensor>
{
    protected SegmentationNetwork(string name, ModelOptions options) : base(name)
    {
        Options = options;
    }

    public ModelOptions Options { get; }

    /// <summary>Top-level block names in forward order, as reported to the observer of <see cref="Forward"/>.</summary>
    public abstract IReadOnlyList<string> BlockNames { get; }

    /// <summary>The module behind each block name (for parameter counts and cost summaries).</summary>
    public abstract nn.Module BlockModule(string blockName);

    public override Tensor forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// The forward pass; <paramref name="observe"/>, if given, sees each block's output (on the padded grid) right
    /// after the block runs.
    /// </summary>
    public Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        if (input.dim() != 4 || input.shape[1] != Options.InChannels)
            throw new CovidSegException(
                $"{Options.Arch} expects images N x {Options.InChannels} x H x W; got [{string.Join(", ", input.shape)}]");
        using var pause = CollectionPause.Enter();
        using var scope = NewDisposeScope();
        long height = input.shape[2], width = input.shape[3];
        long padBottom = PaddingFor(height), padRight = PaddingFor(width);
        var x = padBottom == 0 && padRight == 0
            ? input
            : nn.functional.pad(input, [0, padRight, 0, padBottom], PaddingModes.Zeros, 0);
        var logits = ForwardAligned(x, observe);
        if (padBottom != 0 || padRight != 0) logits = logits.narrow(2, 0, height).narrow(3, 0, width);
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>Rows (or columns) of zeros added after a side of <paramref name="size"/> pixels.</summary>
    public long PaddingFor(long size)
    {
        long m = Options.SizeMultiple;
        return (m - size % m) % m;
    }

    /// <summary>The network proper, on an input whose sides are multiples of <see cref="ModelOptions.SizeMultiple"/>.</summary>
    protected abstract Tensor ForwardAligned(Tensor input, Action<string, Tensor>? observe);
}
