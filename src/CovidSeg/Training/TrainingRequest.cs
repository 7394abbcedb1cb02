using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Models;
using CovidSeg.Runs;

namespace CovidSeg.Training;

/// <summary>What to train: the data and which of its samples train and validate, the network, and how.</summary>
/// <param name="ResumeRun">Continue the run in <see cref="RunDirectory"/> instead of starting a new one.</param>
/// <param name="ValidationPicksCheckpoint">
/// Whether the validation slices choose the run's best checkpoint. Cross-validation sets false: its validation slices are
/// the held-out fold, scored every epoch for the learning curve only, so the run's checkpoint (the one <c>predict</c> loads)
/// is the last epoch's, the same weights the fold's scores come from.
/// </param>
public sealed record TrainingRequest(
    ISegmentationDataset Data,
    IReadOnlyList<int> TrainIndices,
    IReadOnlyList<int> ValidationIndices,
    ModelOptions Model,
    PreprocessingOptions Preprocessing,
    AugmentationMode Augmentation,
    TrainingOptions Training,
    string RunDirectory,
    bool ResumeRun = false,
    bool ValidationPicksCheckpoint = true);

/// <summary>How a training call ended.</summary>
public sealed record TrainingResult(RunManifest Manifest, bool Interrupted)
{
    public EpochRecord? BestEpoch => Manifest.BestEpoch is { } e ? Manifest.History.FirstOrDefault(r => r.Epoch == e) : null;
}
