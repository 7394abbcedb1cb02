using CovidSeg.Models;
using TorchSharp;
using static TorchSharp.torch;
using CovidSeg.Runtime;

namespace CovidSeg.Training;

/// <summary>
/// The equal-weight average of a network's weights at the end of each of the last epochs of training (stochastic
/// weight averaging, Izmailov et al. 2018, over the tail of the learning-rate schedule). Batch-norm running statistics
/// are averaged like the weights; integer buffers (batch counts) take the latest value. The average lives in a second
/// network of the same architecture, so it is saved, loaded and run like any other.
/// <para>
/// Why: late in a cosine decay the held-out Dice of consecutive epochs still moved by ±0.05 on the real slices
/// (docs/results.md), so the last epoch's weights are one draw from a noisy end; their mean is not.
/// </para>
/// </summary>
public sealed class WeightAverage : IDisposable
{
    private readonly List<(Tensor Source, Tensor Average)> pairs;

    /// <param name="averaged">The network that holds the average; this object owns and disposes it.</param>
    /// <param name="source">The network being trained, whose weights are added.</param>
    /// <param name="count">How many epochs <paramref name="averaged"/> already holds (0 for a fresh average).</param>
    public WeightAverage(SegmentationNetwork averaged, nn.Module source, int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "an average holds at least 0 epochs");
        Network = averaged;
        Count = count;
        var target = averaged.named_parameters().Select(p => (p.name, p.parameter as Tensor))
            .Concat(averaged.named_buffers().Select(b => (b.name, b.buffer))).ToDictionary(t => t.name, t => t.Item2);
        pairs = source.named_parameters().Select(p => (p.name, p.parameter as Tensor))
            .Concat(source.named_buffers().Select(b => (b.name, b.buffer)))
            .Select(s => (s.Item2, target.TryGetValue(s.name, out var t) ? t
                : throw new ArgumentException($"the averaged network has no tensor {s.name}", nameof(averaged))))
            .ToList();
    }

    /// <summary>The network holding the average (meaningful once <see cref="Count"/> is at least 1).</summary>
    public SegmentationNetwork Network { get; }

    /// <summary>Epochs averaged so far.</summary>
    public int Count { get; private set; }

    /// <summary>Adds the source network's current weights with the same weight as each earlier one.</summary>
    public void Add()
    {
        using var pause = CollectionPause.Enter();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        double share = 1.0 / (Count + 1);
        foreach (var (source, average) in pairs)
        {
            if (Count == 0 || !source.is_floating_point()) average.copy_(source);
            else average.add_(source.to(average.dtype) - average, alpha: share); // running mean: a + (w - a) / n
        }
        Count++;
    }

    /// <summary>
    /// Epochs to average when averaging <paramref name="share"/> (0 to 1) of <paramref name="epochs"/>: rounded half away
    /// from zero, at least 1 for any positive share, at most all. The one rule for "25%" on the command line and for
    /// a self-training student taking its teacher's share.
    /// </summary>
    public static int EpochsFor(double share, int epochs) => share <= 0 || epochs <= 0 ? 0
        : Math.Clamp((int)Math.Round(share * epochs, MidpointRounding.AwayFromZero), 1, epochs);

    /// <summary>The first epoch (1-based) whose weights join the average of the last <paramref name="lastEpochs"/> of <paramref name="epochs"/>.</summary>
    public static int FirstEpoch(int epochs, int lastEpochs) => epochs - lastEpochs + 1;

    /// <summary>How many epochs the average holds after <paramref name="completedEpochs"/> of training.</summary>
    public static int CountAfter(int completedEpochs, int epochs, int lastEpochs) =>
        lastEpochs <= 0 ? 0 : Math.Max(0, completedEpochs - FirstEpoch(epochs, lastEpochs) + 1);

    public void Dispose() => Network.Dispose();
}
