namespace CovidSeg.Training;

/// <summary>
/// One finished epoch: losses, validation metrics and timing. <see cref="ValidationDice"/> and
/// <see cref="ValidationLesionDice"/> are means over images (an image where a class is absent from both truth and
/// prediction scores 1); <see cref="ValidationGlobalLesionDice"/> pools the pixels of all validation images, which does
/// not reward predicting nothing, and so chooses the best checkpoint.
/// </summary>
public sealed record EpochRecord(
    int Epoch,
    double LearningRate,
    double TrainLoss,
    double? ValidationLoss,
    double[] ValidationDice,
    double? ValidationLesionDice,
    double? ValidationGlobalLesionDice,
    double Seconds,
    double ImagesPerSecond);

/// <summary>Receives training progress (the command line draws a progress bar from it; tests ignore it).</summary>
public interface ITrainingObserver
{
    void EpochStarted(int epoch, int epochs, int steps);
    void StepFinished(int epoch, int step, int steps, double loss, double imagesPerSecond);
    void EpochFinished(EpochRecord record, bool isBest);
    void Message(string text);
}

/// <summary>Ignores everything.</summary>
public sealed class SilentTrainingObserver : ITrainingObserver
{
    public static SilentTrainingObserver Instance { get; } = new();
    public void EpochStarted(int epoch, int epochs, int steps) { }
    public void StepFinished(int epoch, int step, int steps, double loss, double imagesPerSecond) { }
    public void EpochFinished(EpochRecord record, bool isBest) { }
    public void Message(string text) { }
}
