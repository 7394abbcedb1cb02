using CovidSeg.Data.Augmentation;
using CovidSeg.Evaluation;

namespace CovidSeg.Training;

/// <summary>One network, one augmentation mode, one fold: its held-out metrics and how long training took.</summary>
public sealed record FoldResult(string Arch, AugmentationMode Augmentation, int Fold, MetricsReport Report, double TrainingSeconds);
