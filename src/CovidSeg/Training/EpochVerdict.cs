using CovidSeg.Runs;

namespace CovidSeg.Training;

/// <summary>
/// After an epoch: whether it is the best so far (by validation lesion Dice with pooled pixels), how many epochs
/// have passed without a gain, and whether training stops here (the last epoch, or early stopping's patience spent).
/// </summary>
public sealed record EpochVerdict(bool IsBest, int SinceBest, bool StopEarly, bool Finished)
{
    /// <param name="bestSoFar">The run's best lesion Dice before this epoch, or null if none was recorded.</param>
    /// <param name="lesionDice">This epoch's, or null without validation data.</param>
    /// <param name="sinceBest">Epochs without a gain before this one.</param>
    /// <param name="epoch">This epoch, 0-based.</param>
    public static EpochVerdict Judge(double? bestSoFar, double? lesionDice, int sinceBest, int patience, int epoch, int epochs)
    {
        // Without validation data the last epoch is the best one we can name.
        bool isBest = bestSoFar is not { } best || lesionDice is null || lesionDice > best;
        sinceBest = isBest ? 0 : sinceBest + 1;
        bool stopEarly = patience > 0 && sinceBest >= patience;
        return new EpochVerdict(isBest, sinceBest, stopEarly, epoch + 1 == epochs || stopEarly);
    }

    /// <summary>Epochs without a gain when a run resumes: from its best epoch to its last.</summary>
    public static int SinceBestIn(RunManifest manifest) =>
        manifest.History.Count > 0 && manifest.BestEpoch is { } best ? manifest.History[^1].Epoch - best : 0;
}
