using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Labels;
using CovidSeg.Models;
using CovidSeg.Runs;

namespace CovidSeg.Training;

/// <summary>
/// What one call of <see cref="Trainer.Run"/> trains with, settled before any slice is read: a new run takes the
/// request's options; a resumed one takes its own from run.json (the request's data must be the same samples with
/// the same labels). Every refusal is a named error.
/// </summary>
/// <param name="Previous">The run being resumed, or null for a new one.</param>
public sealed record TrainingSetup(
    string RunDirectory,
    RunManifest? Previous,
    TrainingOptions Options,
    ModelOptions Model,
    PreprocessingOptions Preprocessing,
    AugmentationMode Augmentation,
    LabelSet Labels,
    IReadOnlyList<int> TrainIndices,
    IReadOnlyList<int> ValidationIndices)
{
    public static TrainingSetup Resolve(TrainingRequest request)
    {
        string runDir = Path.GetFullPath(request.RunDirectory);
        RunManifest? previous = null;
        if (request.ResumeRun)
            previous = RunManifest.Load(runDir);
        else if (File.Exists(Path.Combine(runDir, RunManifest.FileName)))
            throw new CovidSegException($"{runDir} already holds a training run; pass --resume to continue it, or choose another output folder");

        var options = previous?.Training ?? request.Training;
        options.Validate();
        var modelOptions = previous?.Model ?? request.Model;
        var labels = request.Data.Labels;
        if (previous is not null && !previous.Labels.SameAs(labels))
            throw new CovidSegException($"the data's label set ({labels.Count} classes) differs from the run's ({previous.Labels.Count}); cannot resume on other data");
        if (modelOptions.Classes != labels.Count)
            throw new CovidSegException($"the network predicts {modelOptions.Classes} classes but the data set labels {labels.Count}");

        var (trainIdx, valIdx) = previous is null
            ? (request.TrainIndices, request.ValidationIndices)
            : (IndicesOf(request.Data, previous.Data.TrainIds), IndicesOf(request.Data, previous.Data.ValidationIds));
        if (trainIdx.Count == 0) throw new CovidSegException("no training samples");
        return new TrainingSetup(runDir, previous, options, modelOptions, previous?.Preprocessing ?? request.Preprocessing,
            previous?.Augmentation ?? request.Augmentation, labels, trainIdx, valIdx);
    }

    private static IReadOnlyList<int> IndicesOf(ISegmentationDataset data, IReadOnlyList<string> ids)
    {
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < data.Count; i++) byId[data.IdAt(i)] = i;
        return ids.Select(id => byId.TryGetValue(id, out int i) ? i
            : throw new CovidSegException($"sample '{id}' of the run is not in {data.Source}; resume needs the same data")).ToList();
    }
}
