using CovidSeg.Runs;

namespace CovidSeg.Training;

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
