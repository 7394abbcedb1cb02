using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Phantom;
using CovidSeg.Inference;
using CovidSeg.Models;
using CovidSeg.Training;
using TorchSharp;
using CovidSeg.Runs;

namespace CovidSeg.Tests.Training;

/// <summary>Training never keeps poison: a non-finite loss, gradient or weight stops it and the last good checkpoint stays.</summary>
public sealed class NonFiniteTrainingTests
{
    private static TrainingRequest Request(string runDir, int epochs, bool resume = false)
    {
        var data = new PhantomDataset(6, seed: 3, new PhantomOptions { Size = 48, GroundGlassProbability = 1, ConsolidationProbability = 1, EffusionProbability = 1 });
        var model = new ModelOptions { Arch = Architectures.UNetName, Classes = data.Labels.Count, BaseWidth = 8, Depth = 2 };
        var training = new TrainingOptions { Epochs = epochs, BatchSize = 2, Seed = 4, Threads = 2 };
        return new TrainingRequest(data, [0, 1, 2, 3], [4, 5], model, new PreprocessingOptions(Side: 48), AugmentationMode.None, training, runDir, resume);
    }

    [Fact]
    public void ADivergingEpochStopsTrainingWithOneLineAndKeepsTheLastGoodCheckpoint()
    {
        using var folder = new TempFolder();
        string run = folder.File("run");
        var good = Trainer.Run(Request(run, 1), SilentTrainingObserver.Instance, CancellationToken.None).Manifest;
        Assert.Equal(Path.Combine("checkpoints", "epoch-0001"), good.LastCheckpoint);

        // Continue the run with an absurd learning rate: Adam's first step moves every weight by about 1e30, so the
        // next forward pass overflows. That must stop training before anything of epoch 2 is saved.
        var poisoned = good with
        {
            Training = good.Training with { LearningRate = 1e30, Epochs = 2 },
            Progress = good.Progress with { Finished = false },
        };
        poisoned.Save(run);
        var error = Assert.ThrowsAny<CovidSegException>(() => Trainer.Run(Request(run, 2, resume: true), SilentTrainingObserver.Instance, CancellationToken.None));
        Assert.StartsWith("training stopped: ", error.Message);
        Assert.Contains("at epoch 2", error.Message);
        Assert.Contains($"the last good checkpoint, epoch-0001, is kept in {Path.GetFullPath(run)}", error.Message);
        Assert.DoesNotContain('\n', error.Message);

        var after = RunManifest.Load(run);
        Assert.Equal(good.LastCheckpoint, after.LastCheckpoint);
        Assert.Equal(good.BestCheckpoint, after.BestCheckpoint);
        Assert.Single(after.History);
        Assert.Equal(new[] { "epoch-0001" }, Directory.GetDirectories(Path.Combine(run, "checkpoints")).Select(Path.GetFileName));
        using var kept = TrainedModel.Load(run); // finite weights: predict can use them
    }

    [Fact]
    public void PredictRefusesWeightsThatHoldNaNNamingTheFile()
    {
        using var folder = new TempFolder();
        string run = folder.File("run");
        var manifest = Trainer.Run(Request(run, 1), SilentTrainingObserver.Instance, CancellationToken.None).Manifest;
        string weights = Path.Combine(run, manifest.BestCheckpoint!, CheckpointStore.ModelFile);
        using (var model = ModelFactory.Create(manifest.Model))
        {
            CheckpointStore.LoadModel(run, manifest.BestCheckpoint!, model);
            using (torch.no_grad())
                model.named_parameters().Last().parameter[0] = float.NaN;
            model.save(weights);
        }
        var error = Assert.Throws<InvalidInputException>(() => TrainedModel.Load(run));
        Assert.Equal(Path.GetFullPath(weights), error.InputPath);
        Assert.Contains("NaN or Inf", error.Problem);
        Assert.Contains(".bias", error.Problem);
    }
}
