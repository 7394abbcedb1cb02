using CovidSeg.Data;
using CovidSeg.Models;
using CovidSeg.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Inference;

/// <summary>
/// A trained network ready for inference: RUN_DIR/run.json (architecture, label set, preprocessing) and the weights
/// of its best checkpoint (the one with the best validation lesion Dice; the last checkpoint when no best is named),
/// loaded into a network in evaluation mode (batch-norm running statistics, fixed LSH rotations), so the same input
/// always gives the same output. Disposing releases the weights.
/// </summary>
public sealed class TrainedModel : IDisposable
{
    private TrainedModel(string runDirectory, RunManifest manifest, string checkpoint, SegmentationNetwork network)
    {
        RunDirectory = runDirectory;
        Manifest = manifest;
        Checkpoint = checkpoint;
        Network = network;
    }

    /// <summary>Full path of the run folder.</summary>
    public string RunDirectory { get; }
    public RunManifest Manifest { get; }
    /// <summary>Checkpoint folder (relative to the run folder) whose weights were loaded.</summary>
    public string Checkpoint { get; }
    public SegmentationNetwork Network { get; }
    public LabelSet Labels => Manifest.Labels;
    public PreprocessingOptions Preprocessing => Manifest.Preprocessing;

    /// <summary>
    /// Loads a run folder (or its run.json). Missing or unreadable run.json, no checkpoint, missing or corrupt weights,
    /// or options that build no network all raise <see cref="InvalidInputException"/> naming the file.
    /// </summary>
    public static TrainedModel Load(string runDirectoryOrFile)
    {
        string full = Path.GetFullPath(runDirectoryOrFile);
        var manifest = RunManifest.Load(full);
        string runDir = Directory.Exists(full) ? full : Path.GetDirectoryName(full) ?? ".";
        string checkpoint = manifest.BestCheckpoint ?? manifest.LastCheckpoint
            ?? throw new InvalidInputException(runDir, "the run has no checkpoint yet (train at least one epoch)");
        if (!Directory.Exists(Path.Combine(runDir, checkpoint)) && manifest.LastCheckpoint is { } last && last != checkpoint)
            checkpoint = last; // best folder pruned or lost: the last state is the next best thing
        if (manifest.Model.Classes != manifest.Labels.Count)
            throw new InvalidInputException(Path.Combine(runDir, RunManifest.FileName),
                $"the network predicts {manifest.Model.Classes} classes but the run's label set has {manifest.Labels.Count}");
        try
        {
            manifest.Preprocessing.Validate();
        }
        catch (CovidSegException e)
        {
            throw new InvalidInputException(Path.Combine(runDir, RunManifest.FileName), e.Message);
        }

        SegmentationNetwork network;
        try
        {
            network = ModelFactory.Create(manifest.Model, seed: 1);
        }
        catch (CovidSegException e) when (e is not InvalidInputException)
        {
            throw new InvalidInputException(Path.Combine(runDir, RunManifest.FileName), e.Message);
        }
        try
        {
            CheckpointStore.LoadModel(runDir, checkpoint, network);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        if (NonFiniteTensors.FirstInWeights(network) is { } poisoned)
        {
            network.Dispose();
            throw new InvalidInputException(Path.Combine(runDir, checkpoint, CheckpointStore.ModelFile),
                $"the weights hold NaN or Inf (in {poisoned}): the run diverged; retrain it, or use another checkpoint");
        }
        network.eval();
        return new TrainedModel(runDir, manifest, checkpoint, network);
    }

    /// <summary>Raw class scores (logits) [N, C, S, S] for prepared images [N, 1, S, S], without gradients.</summary>
    public Tensor Logits(Tensor images)
    {
        using var noGrad = torch.no_grad();
        return Network.forward(images);
    }

    public void Dispose() => Network.Dispose();
}
