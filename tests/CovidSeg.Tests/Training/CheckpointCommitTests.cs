using CovidSeg.Models;
using CovidSeg.Runs;
using CovidSeg.Training;
using TorchSharp;

namespace CovidSeg.Tests.Training;

public class CheckpointCommitTests
{
    private static readonly string RunWrittenBefore = WrittenBefore.File("run.json");

    [Fact]
    public void ACheckpointIsCommittedByTheRunJsonThatNamesIt()
    {
        using var folder = new TempFolder();
        var manifest = RunManifest.Load(RunWrittenBefore) with { LastCheckpoint = null, BestCheckpoint = "checkpoints/epoch-0001" };
        using var model = ModelFactory.Create(new ModelOptions { Arch = "unet", BaseWidth = 2, Depth = 1, Classes = 4 }, seed: 1);
        using var optimizer = torch.optim.Adam(model.parameters());
        Directory.CreateDirectory(folder.File("checkpoints/stale"));

        var saved = CheckpointCommit.Save(folder.Path, manifest, model, optimizer, "epoch-0002");

        Assert.Equal(Path.Combine("checkpoints", "epoch-0002"), saved.LastCheckpoint);
        Assert.Equal(saved.LastCheckpoint, RunManifest.Load(folder.Path).LastCheckpoint);
        Assert.True(File.Exists(folder.File("checkpoints/epoch-0002/model.bin")));
        Assert.False(Directory.Exists(folder.File("checkpoints/stale")));
    }

    [Fact]
    public void AStoppedRunNamesTheCheckpointItKeeps()
    {
        var manifest = RunManifest.Load(RunWrittenBefore);
        Assert.Equal("training stopped: loss is NaN; the last good checkpoint, epoch-0001, is kept in /r. Lower the learning rate, or check the data for NaN or extreme values",
            CheckpointCommit.Stopped("/r", manifest, "loss is NaN").Message);
        Assert.Contains("no epoch had finished, so no checkpoint was written",
            CheckpointCommit.Stopped("/r", manifest with { LastCheckpoint = null }, "loss is NaN").Message);
    }
}
