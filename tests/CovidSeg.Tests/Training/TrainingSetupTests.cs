using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Models;
using CovidSeg.Phantom;
using CovidSeg.Runs;
using CovidSeg.Training;

namespace CovidSeg.Tests.Training;

/// <summary>What <see cref="Trainer.Run"/> settles before reading a slice: new runs, resumed runs, refusals.</summary>
public class TrainingSetupTests
{
    private static readonly string RunWrittenBefore = WrittenBefore.File("run.json");

    private static TrainingRequest Request(string runDir, int samples = 6, int classes = 4, bool resume = false) =>
        new(new PhantomDataset(samples, 1), [0, 1, 2], [3], new ModelOptions { Arch = "unet", Classes = classes },
            new PreprocessingOptions(), AugmentationMode.None, new TrainingOptions { Epochs = 7 }, runDir, resume);

    [Fact]
    public void ANewRunTakesTheRequestsOptionsAndSamples()
    {
        using var folder = new TempFolder();
        var setup = TrainingSetup.Resolve(Request(folder.File("run")));
        Assert.Null(setup.Previous);
        Assert.Equal(7, setup.Options.Epochs);
        Assert.Equal("unet", setup.Model.Arch);
        Assert.Equal([0, 1, 2], setup.TrainIndices);
        Assert.Equal([3], setup.ValidationIndices);
        Assert.Equal(Path.GetFullPath(folder.File("run")), setup.RunDirectory);
    }

    [Fact]
    public void AFolderHoldingARunIsNotOverwritten()
    {
        using var folder = new TempFolder();
        File.Copy(RunWrittenBefore, folder.File(RunManifest.FileName));
        var e = Assert.Throws<CovidSegException>(() => TrainingSetup.Resolve(Request(folder.Path)));
        Assert.Contains("already holds a training run; pass --resume", e.Message);
    }

    [Fact]
    public void AResumedRunKeepsItsOwnOptionsAndFindsItsSamplesById()
    {
        using var folder = new TempFolder();
        File.Copy(RunWrittenBefore, folder.File(RunManifest.FileName));
        var setup = TrainingSetup.Resolve(Request(folder.Path, resume: true));
        Assert.NotNull(setup.Previous);
        Assert.Equal(1, setup.Options.Epochs);
        Assert.Equal("lsh-attention-unet", setup.Model.Arch);
        Assert.Equal(32, setup.Preprocessing.Side);
        // The run trained phantom-0003, -0002, -0005, -0000, -0001 and validated on phantom-0004.
        Assert.Equal([3, 2, 5, 0, 1], setup.TrainIndices);
        Assert.Equal([4], setup.ValidationIndices);
    }

    [Fact]
    public void AResumeOnDataWithoutTheRunsSamplesIsRefused()
    {
        using var folder = new TempFolder();
        File.Copy(RunWrittenBefore, folder.File(RunManifest.FileName));
        var e = Assert.Throws<CovidSegException>(() => TrainingSetup.Resolve(Request(folder.Path, samples: 4, resume: true)));
        Assert.Contains("sample 'phantom-0005' of the run is not in", e.Message);
    }

    [Fact]
    public void ANetworkForAnotherNumberOfClassesIsRefused()
    {
        using var folder = new TempFolder();
        var e = Assert.Throws<CovidSegException>(() => TrainingSetup.Resolve(Request(folder.File("run"), classes: 3)));
        Assert.Contains("predicts 3 classes but the data set labels 4", e.Message);
    }
}
