using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using CovidSeg.Runs;

namespace CovidSeg.Training;

/// <summary>
/// The training loss on logits N x K x H x W and integer targets N x H x W: the paper's multi-class cross-entropy, or
/// cross-entropy plus a soft Dice term over the lesion classes (nnU-Net's combination). Pixels labelled
/// <see cref="IgnoredLabel"/> (pseudo-label pixels the teacher was unsure of) count in neither term.
/// </summary>
public sealed class SegmentationLoss : IDisposable
{
    /// <summary>A target value that marks a pixel as unknown: no loss, no gradient.</summary>
    public const int IgnoredLabel = 255;

    private readonly LossKind kind;
    private readonly Tensor? weights;

    public SegmentationLoss(LossKind kind, double[]? classWeights, int classes)
    {
        this.kind = kind;
        if (classWeights is not null)
        {
            if (classWeights.Length != classes)
                throw new CovidSegException($"{classWeights.Length} class weights given for {classes} classes");
            this.weights = tensor(classWeights.Select(w => (float)w).ToArray());
        }
    }

    public Tensor Compute(Tensor logits, Tensor target)
    {
        using var scope = NewDisposeScope();
        var ce = F.cross_entropy(logits, target, weight: this.weights, ignore_index: IgnoredLabel);
        var total = this.kind == LossKind.CrossEntropy ? ce : ce + SoftDiceLoss(logits, target);
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>1 - mean over lesion classes of the batch soft Dice (sums over the whole batch, so an image without a
    /// class does not produce 0/0). Pixels labelled <see cref="IgnoredLabel"/> are left out of both sums.</summary>
    public static Tensor SoftDiceLoss(Tensor logits, Tensor target)
    {
        using var scope = NewDisposeScope();
        long classes = logits.shape[1];
        var known = target.ne(IgnoredLabel);
        var probs = F.softmax(logits, 1).mul(known.unsqueeze(1).to(logits.dtype));
        var onehot = F.one_hot(target.masked_fill(known.logical_not(), 0), classes).permute(0, 3, 1, 2).to(probs.dtype)
            .mul(known.unsqueeze(1).to(probs.dtype));
        long[] dims = [0, 2, 3];
        var intersection = (probs * onehot).sum(dims);
        var denominator = probs.sum(dims) + onehot.sum(dims);
        var dice = (2 * intersection + 1e-5) / (denominator + 1e-5);
        return (1 - dice[TensorIndex.Slice(1)].mean()).MoveToOuterDisposeScope();
    }

    public void Dispose() => this.weights?.Dispose();
}
