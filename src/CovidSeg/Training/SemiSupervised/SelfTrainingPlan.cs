using CovidSeg.Data;

namespace CovidSeg.Training.SemiSupervised;

/// <summary>The unlabelled slices and the pseudo-label settings of self-training in cross-validation.</summary>
public sealed record SelfTrainingPlan(UnlabelledImages Unlabelled, PseudoLabelOptions Options);
