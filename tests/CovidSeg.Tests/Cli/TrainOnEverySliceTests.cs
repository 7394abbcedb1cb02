using CovidSeg.Cli;
using CovidSeg.Phantom;
using CovidSeg.Training;
using CovidSeg.Runs;

namespace CovidSeg.Tests.Cli;

/// <summary>--val-fraction 0 is nnU-Net's "all" fold: every slice trains, nothing validates, the last epoch is kept.</summary>
public class TrainOnEverySliceTests
{
    [Fact]
    public void ValidationFractionZeroTrainsOnAllSlicesAndKeepsTheLastEpoch()
    {
        using var folder = new TempFolder();
        string data = folder.File("data");
        PhantomExport.WriteSlices(data, new PhantomDataset(5, seed: 2, new PhantomOptions { Size = 32 }));
        string run = folder.File("run");
        var (code, error) = CliRun.Invoke("train", "--data", data, "--arch", "unet", "--width", "8", "--depth", "2", "--side", "32", "--epochs", "2",
            "--aug", "none", "--threads", "2", "--val-fraction", "0", "--out", run);
        Assert.Equal((CommandRunner.Success, ""), (code, error));
        var manifest = RunManifest.Load(run);
        Assert.Equal(["phantom-0000", "phantom-0001", "phantom-0002", "phantom-0003", "phantom-0004"], manifest.Data.TrainIds);
        Assert.Empty(manifest.Data.ValidationIds);
        Assert.Equal(2, manifest.BestEpoch);
        Assert.Equal(manifest.LastCheckpoint, manifest.BestCheckpoint);
        Assert.Null(manifest.BestLesionDice);

        // The model is usable as any other.
        var (predicted, _) = CliRun.Invoke("predict", "--model", run, "--input", Path.Combine(data, "images"), "--out", folder.File("pred"), "--threads", "2");
        Assert.Equal(CommandRunner.Success, predicted);
    }
}
