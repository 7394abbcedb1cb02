using CovidSeg.Runtime;
using System.Text.Json.Serialization;

namespace CovidSeg.Runs;

/// <summary>Loss to minimise.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LossKind>))]
public enum LossKind
{
    /// <summary>Multi-class cross-entropy over softmax logits, the paper's loss.</summary>
    CrossEntropy,
    /// <summary>Cross-entropy plus soft Dice over the lesion classes, the combination nnU-Net trains with.</summary>
    DiceCrossEntropy,
}

/// <summary>How the learning rate moves over the epochs.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LearningRateScheduleKind>))]
public enum LearningRateScheduleKind
{
    /// <summary>The paper: Adam's learning rate kept fixed.</summary>
    Constant,
    /// <summary>Cosine decay from the initial rate to 1% of it at the last epoch.</summary>
    Cosine,
    /// <summary>nnU-Net's polynomial decay, (1 - epoch/epochs)^0.9.</summary>
    Poly,
}

/// <summary>
/// Everything that decides how a network is trained. Defaults follow the paper (Adam with its default parameters,
/// 100 epochs, multi-class cross-entropy); what goes beyond it (schedule, early stopping) is off by default.
/// </summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 100;
    public int BatchSize { get; init; } = 4;
    /// <summary>Adam's default step size (Kingma and Ba 2014), as the paper uses "the default parameters".</summary>
    public double LearningRate { get; init; } = 1e-3;
    public LossKind Loss { get; init; } = LossKind.CrossEntropy;
    /// <summary>Per-class weights of the cross-entropy (length = classes), or null for none.</summary>
    public double[]? ClassWeights { get; init; }
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Constant;
    /// <summary>Stop when the validation lesion Dice has not improved for this many epochs; 0 = never.</summary>
    public int EarlyStoppingPatience { get; init; }
    public long Seed { get; init; } = 1;
    /// <summary>libtorch threads; 0 = one per logical core.</summary>
    public int Threads { get; init; }
    /// <summary>
    /// The precision of the forward and backward passes (mixed precision: bf16 compute, fp32 master weights). fp32 by
    /// default, here and on the command line: a run recorded before the option existed trains as it always did
    /// (docs/benchmarks.md, "Mixed-precision training", has the bf16 measurements).
    /// </summary>
    public ComputePrecision Precision { get; init; } = ComputePrecision.Fp32;
    /// <summary>
    /// Average the weights of this many last epochs (stochastic weight averaging over the schedule's tail); the average
    /// is then the run's model, for predict and for scoring. 0 = off: the last (or best) epoch's weights, as before.
    /// </summary>
    public int AverageLastEpochs { get; init; }

    public void Validate()
    {
        if (Epochs < 1) throw new CovidSegException($"epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw new CovidSegException($"batch size must be at least 1, got {BatchSize}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new CovidSegException($"learning rate must be positive, got {LearningRate}");
        if (AverageLastEpochs < 0 || AverageLastEpochs > Epochs)
            throw new CovidSegException($"the epochs to average must be 0 (off) to {Epochs} (the epochs trained), got {AverageLastEpochs}");
        if (EarlyStoppingPatience < 0) throw new CovidSegException($"early-stopping patience must be 0 (off) or positive, got {EarlyStoppingPatience}");
        if (ClassWeights is { } w && w.Any(x => !(x >= 0) || double.IsInfinity(x)))
            throw new CovidSegException("class weights must be finite and non-negative");
        // Early stopping can end training before the epochs to average begin.
        if (AverageLastEpochs > 0 && EarlyStoppingPatience > 0)
            throw new CovidSegException("averaging the last epochs' weights needs every epoch trained; use either --average-last or --early-stop");
    }
}
