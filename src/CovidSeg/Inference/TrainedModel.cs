using CovidSeg.Data;
using CovidSeg.Models;
using TorchSharp;
using static TorchSharp.torch;
using CovidSeg.Labels;
using CovidSeg.Runs;

namespace CovidSeg.Inference;

/// <summary>
/// A trained network ready for inference: RUN_DIR/run.json (architecture, label set, preprocessing) and the weights
/// of its averaged checkpoint when training averaged its last epochs, else of its best checkpoint (the one with the best
/// validation lesion Dice; the last checkpoint when no best is named),
/// loaded into a network in evaluation mode (batch-norm running statistics, fixed LSH rotations), so the same input
/// always gives the same output. For bf16 inference the fp32 weights read from the checkpoint are converted once, after
/// loading (<see cref="TryConvertToBf16"/>; the checkpoint stays the fp32 master). Disposing releases the weights.
/// </summary>
public sealed class TrainedModel : IDisposable
{
    private TrainedModel(string runDirectory, RunManifest manifest, string checkpoint, SegmentationNetwork network, ScalarType dtype)
    {
        Dtype = dtype;
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
    public SegmentationNetwork Network { get; private set; }
    /// <summary>The type of the weights in memory: float32, or bfloat16 when loaded for bf16 inference.</summary>
    public ScalarType Dtype { get; private set; }
    public LabelSet Labels => Manifest.Labels;
    public PreprocessingOptions Preprocessing => Manifest.Preprocessing;

    /// <summary>
    /// Loads a run folder (or its run.json). Missing or unreadable run.json, no checkpoint, missing or corrupt weights,
    /// or options that build no network all raise <see cref="InvalidInputException"/> naming the file.
    /// </summary>
    /// <param name="lastEpoch">
    /// Load the weights training ended with (the average of the last epochs when the run averaged, else the last epoch's)
    /// even when the run names a best one. Cross-validation needs this: its "best" epoch
    /// was picked on the held-out fold, which must not choose the model that is scored or that labels other data.
    /// </param>
    public static TrainedModel Load(string runDirectoryOrFile, bool lastEpoch = false)
    {
        string full = Path.GetFullPath(runDirectoryOrFile);
        var manifest = RunManifest.Load(full);
        string runDir = Directory.Exists(full) ? full : Path.GetDirectoryName(full) ?? ".";
        // An averaged run's model is its average; a missing average is an error, never silently another model.
        string checkpoint = (lastEpoch ? manifest.FinalCheckpoint : manifest.AveragedCheckpoint ?? manifest.BestCheckpoint ?? manifest.LastCheckpoint)
            ?? throw new InvalidInputException(runDir, "the run has no checkpoint yet (train at least one epoch)");
        if (checkpoint != manifest.AveragedCheckpoint && !Directory.Exists(Path.Combine(runDir, checkpoint)) && manifest.LastCheckpoint is { } last && last != checkpoint)
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

        var network = LoadNetwork(runDir, manifest, checkpoint);
        return new TrainedModel(runDir, manifest, checkpoint, network, ScalarType.Float32);
    }

    /// <summary>The checkpoint's fp32 weights in a new network in evaluation mode, checked for NaN and Inf.</summary>
    private static SegmentationNetwork LoadNetwork(string runDir, RunManifest manifest, string checkpoint)
    {
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
        return network;
    }

    /// <summary>
    /// Converts the weights to bf16 for inference, from a second fp32 copy of the checkpoint, layer by layer checked
    /// against the fp32 network (<see cref="Bf16KernelCheck"/>): layers whose bf16 kernels are wrong stay fp32
    /// (<see cref="Fp32Islands"/>, listed in <see cref="Fp32Layers"/>). Returns null when converted, else why not; the
    /// model then stays fp32.
    /// </summary>
    public string? TryConvertToBf16()
    {
        if (Dtype == ScalarType.BFloat16) return null;
        var candidate = LoadNetwork(RunDirectory, Manifest, Checkpoint);
        candidate.to(ScalarType.BFloat16);
        var wrong = Bf16KernelCheck.WrongLayers(Network, candidate).ToList();
        Fp32Islands.Keep(Network, candidate, wrong.Select(w => w.Name).ToList());
        if (Bf16KernelCheck.FirstWrongLayer(Network, candidate) is { } still)
        {
            candidate.Dispose();
            return $"libtorch's bf16 kernels are wrong for this network on this CPU, even with the faulty layers in fp32: {still}";
        }
        Network.Dispose();
        Network = candidate;
        Dtype = ScalarType.BFloat16;
        Fp32Layers = wrong.Select(w => w.Description).ToList();
        return null;
    }

    /// <summary>Layers of a bf16 model kept in fp32 because libtorch's bf16 kernels compute them wrong here, described.</summary>
    public IReadOnlyList<string> Fp32Layers { get; private set; } = [];

    /// <summary>
    /// Raw class scores (logits) [N, C, S, S] in float32 for prepared float32 images [N, 1, S, S], without gradients;
    /// in bf16 the images are cast down and the logits back up, so softmax and resizing stay in float32.
    /// </summary>
    public Tensor Logits(Tensor images)
    {
        using var noGrad = torch.no_grad();
        if (Dtype == ScalarType.Float32) return Network.forward(images);
        using var scope = NewDisposeScope();
        return Network.forward(images.to(Dtype)).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    public void Dispose() => Network.Dispose();
}
