using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Phantom;
using CovidSeg.Models;
using CovidSeg.Training;
using TorchSharp;
using CovidSeg.Runs;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Training;

public class TrainerTests
{
    private static TrainingRequest SmallRequest(string runDir, string arch, int epochs, AugmentationMode aug = AugmentationMode.None, bool resume = false)
    {
        var data = new PhantomDataset(8, seed: 3, new PhantomOptions { Size = 48, GroundGlassProbability = 1, ConsolidationProbability = 1, EffusionProbability = 1 });
        var model = new ModelOptions { Arch = arch, Classes = data.Labels.Count, BaseWidth = 8, Depth = 2, ResNeXt = new ResNeXtOptions(Cardinality: 4), AttentionLevels = [0], Attention = new LshAttentionOptions(ChunkSize: 16, GammaInit: 0.5) };
        var training = new TrainingOptions { Epochs = epochs, BatchSize = 3, Seed = 11, Threads = 2 };
        return new TrainingRequest(data, [0, 1, 2, 3, 4, 5], [6, 7], model, new PreprocessingOptions(Side: 48), aug, training, runDir, resume);
    }

    /// <summary>Cancels training once epoch <paramref name="epoch"/> (1-based) has finished step <paramref name="step"/>.</summary>
    internal sealed class CancelAfter(int epoch, int step, CancellationTokenSource source) : ITrainingObserver
    {
        public void EpochStarted(int e, int epochs, int steps) { }
        public void StepFinished(int e, int s, int steps, double loss, double imagesPerSecond)
        {
            if (e == epoch && s == step) source.Cancel();
        }
        public void EpochFinished(EpochRecord record, bool isBest) { }
        public void Message(string text) { }
    }

    private static float[] Weights(string runDir, RunManifest manifest)
    {
        using var model = ModelFactory.Create(manifest.Model);
        CheckpointStore.LoadModel(runDir, manifest.LastCheckpoint!, model);
        return model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
    }

    [Fact]
    public void ResumingAfterAnInterruptionReachesTheSameWeightsAsAnUninterruptedRun()
    {
        using var folder = new TempFolder();
        string straight = folder.File("straight"), interrupted = folder.File("interrupted");
        // res-attention-unet draws random LSH rotations in training: the random state must survive the resume too.
        var full = Trainer.Run(SmallRequest(straight, Architectures.ResidualAttentionUNetName, 3, AugmentationMode.Online), SilentTrainingObserver.Instance, CancellationToken.None);
        Assert.False(full.Interrupted);

        using var cts = new CancellationTokenSource();
        var stopped = Trainer.Run(SmallRequest(interrupted, Architectures.ResidualAttentionUNetName, 3, AugmentationMode.Online), new CancelAfter(2, 1, cts), cts.Token);
        Assert.True(stopped.Interrupted);
        Assert.Equal(1, stopped.Manifest.Progress.CompletedEpochs);
        Assert.Equal(1, stopped.Manifest.Progress.StepsIntoEpoch);

        var resumed = Trainer.Run(SmallRequest(interrupted, Architectures.ResidualAttentionUNetName, 3, AugmentationMode.Online, resume: true), SilentTrainingObserver.Instance, CancellationToken.None);
        Assert.False(resumed.Interrupted);
        Assert.Equal(3, resumed.Manifest.Progress.CompletedEpochs);
        Assert.Equal(full.Manifest.History.Select(h => h.TrainLoss), resumed.Manifest.History.Select(h => h.TrainLoss));
        Assert.Equal(Weights(straight, full.Manifest), Weights(interrupted, resumed.Manifest));
    }

    [Fact]
    public void RunFolderHoldsTheDescriptionLogAndCheckpoints()
    {
        using var folder = new TempFolder();
        string run = folder.File("run");
        var result = Trainer.Run(SmallRequest(run, Architectures.UNetName, 2), SilentTrainingObserver.Instance, CancellationToken.None);
        var manifest = RunManifest.Load(run);
        Assert.Equal(Architectures.UNetName, manifest.Model.Arch);
        Assert.True(manifest.Labels.SameAs(LabelSet.MedSeg));
        Assert.Equal(48, manifest.Preprocessing.Side);
        Assert.Equal(11, manifest.Training.Seed);
        Assert.StartsWith("sha256:", manifest.Data.Fingerprint);
        Assert.Equal(6, manifest.Data.TrainIds.Count);
        Assert.Equal(2, manifest.History.Count);
        Assert.True(manifest.Progress.Finished);
        Assert.True(Directory.Exists(Path.Combine(run, manifest.BestCheckpoint!)));
        var log = File.ReadAllLines(Path.Combine(run, TrainingLog.FileName));
        Assert.Equal(3, log.Length);
        Assert.StartsWith("epoch,learning_rate,train_loss,validation_loss,dice_background", log[0]);
        Assert.Empty(Directory.GetFiles(run, "*.partial", SearchOption.AllDirectories));
        Assert.Equal(result.Manifest.History[^1].TrainLoss, manifest.History[^1].TrainLoss);
    }

    [Fact]
    public void StartingOverAnExistingRunIsRefusedWithoutResume()
    {
        using var folder = new TempFolder();
        string run = folder.File("run");
        Trainer.Run(SmallRequest(run, Architectures.UNetName, 1), SilentTrainingObserver.Instance, CancellationToken.None);
        var e = Assert.Throws<CovidSegException>(() => Trainer.Run(SmallRequest(run, Architectures.UNetName, 1), SilentTrainingObserver.Instance, CancellationToken.None));
        Assert.Contains("--resume", e.Message);
    }

    [Fact]
    public void WeightsOfAnotherArchitectureAreRefusedClearly()
    {
        using var folder = new TempFolder();
        string run = folder.File("run");
        var result = Trainer.Run(SmallRequest(run, Architectures.UNetName, 1), SilentTrainingObserver.Instance, CancellationToken.None);
        using var other = ModelFactory.Create(result.Manifest.Model with { Arch = Architectures.ResNeXtUNetName, ResNeXt = new ResNeXtOptions(Cardinality: 4) });
        var e = Assert.Throws<InvalidInputException>(() => CheckpointStore.LoadModel(run, result.Manifest.LastCheckpoint!, other));
        Assert.Contains("do not fit this network", e.Message);
        Assert.Contains("model.bin", e.Message);
    }

    [Fact]
    public void AFileThatIsNotARunIsRefusedClearly()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("run.json"), "{ not json");
        var e = Assert.Throws<InvalidInputException>(() => RunManifest.Load(folder.Path));
        Assert.Contains("run.json", e.Message);
        var missing = Assert.Throws<InvalidInputException>(() => RunManifest.Load(folder.File("nothing-here")));
        Assert.Contains("not a CovidSeg run folder", missing.Message);

        File.WriteAllBytes(Path.Combine(folder.Path, "garbage.bin"), [1, 2, 3, 4, 5]);
        using var model = ModelFactory.Create(new ModelOptions { Arch = Architectures.UNetName, BaseWidth = 8, Depth = 2 });
        Directory.CreateDirectory(folder.File("ck"));
        File.Copy(folder.File("garbage.bin"), Path.Combine(folder.File("ck"), CheckpointStore.ModelFile));
        var corrupt = Assert.Throws<InvalidInputException>(() => CheckpointStore.LoadModel(folder.Path, "ck", model));
        Assert.Contains("model.bin", corrupt.Message);
    }

    [Fact]
    public void TrainingLowersTheLossOnPhantomSlices()
    {
        using var folder = new TempFolder();
        var request = SmallRequest(folder.File("run"), Architectures.UNetName, 20);
        var result = Trainer.Run(request with { Training = request.Training with { LearningRate = 3e-3 } }, SilentTrainingObserver.Instance, CancellationToken.None);
        var losses = result.Manifest.History.Select(h => h.TrainLoss).ToArray();
        Assert.True(losses[^1] < 0.7 * losses[0], $"training loss should fall by 30%: {string.Join(", ", losses)}");
    }
}
