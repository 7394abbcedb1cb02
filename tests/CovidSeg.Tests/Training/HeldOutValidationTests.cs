using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Inference;
using CovidSeg.Models;
using CovidSeg.Phantom;
using CovidSeg.Runs;
using CovidSeg.Training;

namespace CovidSeg.Tests.Training;

/// <summary>A held-out fold scored during training (cross-validation) must not choose the checkpoint a user later loads.</summary>
public class HeldOutValidationTests
{
    private static TrainingRequest Request(string runDir, bool validationPicks)
    {
        var data = new PhantomDataset(8, seed: 5, new PhantomOptions { Size = 32, GroundGlassProbability = 1, ConsolidationProbability = 1 });
        var model = new ModelOptions { Arch = Architectures.UNetName, Classes = data.Labels.Count, BaseWidth = 4, Depth = 2 };
        // A learning rate far too high for Adam makes the validation Dice jump about, so some epoch before the last is better.
        var training = new TrainingOptions { Epochs = 6, BatchSize = 3, Seed = 4, Threads = 1, LearningRate = 0.05 };
        return new TrainingRequest(data, [0, 1, 2, 3, 4, 5], [6, 7], model, new PreprocessingOptions(Side: 32), AugmentationMode.None, training, runDir,
            ValidationPicksCheckpoint: validationPicks);
    }

    [Fact]
    public void AHeldOutFoldLeavesTheLastEpochAsTheRunsCheckpoint()
    {
        using var folder = new TempFolder();
        var picked = Trainer.Run(Request(folder.File("picked"), validationPicks: true), SilentTrainingObserver.Instance, CancellationToken.None).Manifest;
        var history = picked.History.Select(h => h.ValidationGlobalLesionDice ?? double.NaN).ToList();
        int bestByValidation = history.IndexOf(history.Max()) + 1;
        Assert.True(bestByValidation < history.Count, $"precondition: some epoch before the last must score better on validation ({string.Join(", ", history)})");
        Assert.Equal(bestByValidation, picked.BestEpoch);

        string heldOutDir = folder.File("held-out");
        var heldOut = Trainer.Run(Request(heldOutDir, validationPicks: false), SilentTrainingObserver.Instance, CancellationToken.None).Manifest;
        // Same seed, same data: the same training; only the checkpoint named for predict differs.
        Assert.Equal(history, heldOut.History.Select(h => h.ValidationGlobalLesionDice ?? double.NaN));
        Assert.Equal(heldOut.History.Count, heldOut.BestEpoch);
        Assert.Equal(heldOut.LastCheckpoint, heldOut.BestCheckpoint);
        Assert.Single(Directory.GetDirectories(Path.Combine(heldOutDir, "checkpoints")));
        using var loaded = TrainedModel.Load(heldOutDir);
        Assert.Equal(Path.GetFullPath(Path.Combine(heldOutDir, heldOut.LastCheckpoint!)), Path.GetFullPath(Path.Combine(heldOutDir, loaded.Checkpoint)));
    }
}
