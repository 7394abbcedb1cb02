using CovidSeg.Cli;
using CovidSeg.Phantom;
using CovidSeg.Training;
using CovidSeg.Runs;

namespace CovidSeg.Tests.Cli;

/// <summary>
/// <c>train --resume</c>: the data folder comes from run.json, options that would change the run are refused, a
/// missing or corrupt random state is refused with one line, and temporary files a kill left behind are removed.
/// </summary>
public sealed class ResumeCommandTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly string data;
    private readonly string run;

    public ResumeCommandTests()
    {
        this.data = this.folder.File("data");
        PhantomExport.WriteSlices(this.data, new PhantomDataset(5, seed: 2, new PhantomOptions { Size = 32 }));
        this.run = this.folder.File("run");
        var (code, error) = CliRun.Invoke("train", "--data", this.data, "--arch", "unet", "--width", "8", "--depth", "2", "--side", "32", "--epochs", "2",
            "--aug", "none", "--threads", "2", "--out", this.run);
        Assert.Equal((CommandRunner.Success, ""), (code, error));
    }

    public void Dispose() => this.folder.Dispose();

    private static (int Code, string Error) Resume(string run, params string[] more) => CliRun.Invoke(["train", "--out", run, "--resume", "--threads", "2", .. more]);

    private string LastCheckpointFile(string name) => Path.Combine(this.run, RunManifest.Load(this.run).LastCheckpoint!, name);

    [Fact]
    public void ResumeWithoutDataUsesTheRecordedFolder()
    {
        Assert.Equal((CommandRunner.Success, ""), Resume(this.run));
    }

    [Fact]
    public void ARunRecordedWithMoreThreadsThanThisMachineHasStillResumes()
    {
        string manifest = Path.Combine(this.run, RunManifest.FileName);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!;
        json["training"]!["threads"] = Environment.ProcessorCount + 62;
        File.WriteAllText(manifest, json.ToJsonString());
        Assert.Equal((CommandRunner.Success, ""), Resume(this.run));
    }

    [Fact]
    public void TheBannerNamesTheRunsOwnNetworkAndSplit()
    {
        // The run is a unet; the command line's default --arch is res-attention-unet.
        Assert.Equal($"resuming unet on {this.data}: 4 training, 1 validation slices -> {this.run}",
            CovidSeg.Cli.Commands.TrainCommand.ResumeBanner(RunManifest.Load(this.run), this.data, this.run));
    }

    [Fact]
    public void OtherDataIsRefusedByItsFingerprint()
    {
        string other = this.folder.File("other");
        PhantomExport.WriteSlices(other, new PhantomDataset(5, seed: 3, new PhantomOptions { Size = 32 }));
        var (code, error) = Resume(this.run, "--data", other);
        Assert.Equal(CommandRunner.Failure, code);
        Assert.StartsWith($"error: the data differs from what run {this.run} was trained on (fingerprint ", error);
    }

    [Fact]
    public void AMovedDataFolderIsNamed()
    {
        Directory.Move(this.data, this.folder.File("moved"));
        Assert.Equal((CommandRunner.Failure, $"error: the run's data folder {this.data} no longer exists; pass --data with where it is now (it must be the same data)"), Resume(this.run));
        Assert.Equal((CommandRunner.Success, ""), Resume(this.run, "--data", this.folder.File("moved")));
    }

    [Fact]
    public void AnotherEpochCountOrArchitectureIsRefusedNotIgnored()
    {
        Assert.Equal((CommandRunner.Failure, "error: --epochs 35: the run was started with --epochs 2, and --resume continues it with its own options; start a new run to train for longer, or omit --epochs"),
            Resume(this.run, "--epochs", "35"));
        Assert.Equal((CommandRunner.Failure, "error: --arch res-attention-unet: the run was started with --arch unet, and --resume continues it with its own options; omit --arch"),
            Resume(this.run, "--arch", "res-attention-unet"));
        // Repeating the run's own values is fine.
        Assert.Equal((CommandRunner.Success, ""), Resume(this.run, "--epochs", "2", "--arch", "unet"));
    }

    [Fact]
    public void AMissingRandomStateIsRefused()
    {
        string rng = LastCheckpointFile(CheckpointStore.RngFile);
        File.Delete(rng);
        Assert.Equal((CommandRunner.Failure, $"error: {rng}: random-number state is missing; cannot resume exactly"), Resume(this.run));
    }

    [Fact]
    public void ACorruptRandomStateIsOneLineNotACrash()
    {
        string rng = LastCheckpointFile(CheckpointStore.RngFile);
        File.WriteAllBytes(rng, new byte[RngStateFile.Size]);
        Assert.Equal((CommandRunner.Failure, $"error: {rng}: corrupt random-number state: not a valid Mersenne Twister state; cannot resume exactly"), Resume(this.run));
        File.WriteAllBytes(rng, [1, 2, 3]);
        Assert.Equal((CommandRunner.Failure, $"error: {rng}: corrupt random-number state: 3 bytes, libtorch's is 5056; cannot resume exactly"), Resume(this.run));
    }

    [Fact]
    public void StartingAgainWithoutResumeIsRefusedAndLeavesTheSplitAlone()
    {
        string split = Path.Combine(this.run, "split.json");
        string before = File.ReadAllText(split);
        var (code, error) = CliRun.Invoke("train", "--data", this.data, "--arch", "unet", "--width", "8", "--depth", "2", "--side", "32", "--epochs", "2",
            "--aug", "none", "--threads", "2", "--seed", "99", "--out", this.run);
        Assert.Equal((CommandRunner.Failure, $"error: {this.run} already holds a training run; pass --resume to continue it, or choose another output folder"), (code, error));
        Assert.Equal(before, File.ReadAllText(split));
    }

    [Fact]
    public void TemporaryFilesOfAKilledWriterAreRemovedOnResume()
    {
        string log = Path.Combine(this.run, ".log.csv.0123abcd.partial");
        string inCheckpoints = Path.Combine(this.run, "checkpoints", ".run.json.89abcdef.partial");
        string notOurs = Path.Combine(this.run, "notes.partial");
        foreach (string f in new[] { log, inCheckpoints, notOurs }) File.WriteAllText(f, "x");
        Assert.Equal((CommandRunner.Success, ""), Resume(this.run));
        Assert.False(File.Exists(log));
        Assert.False(File.Exists(inCheckpoints));
        Assert.True(File.Exists(notOurs));
    }
}
