namespace CovidSeg.Runs;

/// <summary>
/// One finished epoch: losses, validation metrics and timing. <see cref="ValidationDice"/> and
/// <see cref="ValidationLesionDice"/> are means over images (an image where a class is absent from both truth and
/// prediction scores 1); <see cref="ValidationGlobalLesionDice"/> pools the pixels of all validation images, which does
/// not reward predicting nothing, and so chooses the best checkpoint.
/// </summary>
/// <param name="Precision">"fp32" or "bf16": what the epoch's forward and backward passes computed in (null in runs
/// recorded before issue 16, which were all fp32).</param>
public sealed record EpochRecord(
    int Epoch,
    double LearningRate,
    double TrainLoss,
    double? ValidationLoss,
    double[] ValidationDice,
    double? ValidationLesionDice,
    double? ValidationGlobalLesionDice,
    double Seconds,
    double ImagesPerSecond,
    string? Precision = null);
