using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using CovidSeg.Runs;

namespace CovidSeg.Training;

/// <summary>
/// The training loss on logits N x K x H x W and integer targets N x H x W: the paper's multi-class cross-entropy, or
/// cross-entropy plus a soft Dice term over the lesion classes (nnU-Net's combination).
/// </summary>
public sealed class SegmentationLoss : IDisposable
{
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
        var ce = F.cross_entropy(logits, target, weight: this.weights);
        if (this.kind == LossKind.CrossEntropy) return ce;
        return ce + SoftDiceLoss(logits, target);
    }

    /// <summary>1 - mean over lesion classes of the batch soft Dice (sums over the whole batch, so an image without a
    /// class does not produce 0/0).</summary>
    public static Tensor SoftDiceLoss(Tensor logits, Tensor target)
    {
        long classes = logits.shape[1];
        var probs = F.softmax(logits, 1);
        var onehot = F.one_hot(target, classes).permute(0, 3, 1, 2).to(probs.dtype);
        long[] dims = [0, 2, 3];
        var intersection = (probs * onehot).sum(dims);
        var denominator = probs.sum(dims) + onehot.sum(dims);
        var dice = (2 * intersection + 1e-5) / (denominator + 1e-5);
        return 1 - dice[TensorIndex.Slice(1)].mean();
    }

    public void Dispose() => this.weights?.Dispose();
}
