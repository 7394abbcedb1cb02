using CovidSeg.Cli;
using CovidSeg.Evaluation;
using CovidSeg.Runs;

namespace CovidSeg.Tests.Cli;

/// <summary>
/// Phantom slices written by <c>synth</c> and a network trained on them by <c>train</c>, shared by the tests that
/// run the other commands on them. Tiny on purpose: 32-pixel slices, one epoch, width 8.
/// </summary>
public sealed class SynthesisedRun : IDisposable
{
    private readonly TempFolder folder = new();

    public SynthesisedRun()
    {
        Synth = CliRun.Invoke("synth", "--out", Data, "--count", "6", "--size", "32", "--seed", "3");
        Train = CliRun.Invoke("train", "--data", Data, "--labels", "medseg", "--arch", "unet", "--width", "8", "--depth", "2",
            "--side", "32", "--epochs", "1", "--aug", "none", "--threads", "2", "--out", Run);
    }

    public string Data => folder.File("data");
    public string Run => folder.File("run");
    public (int Code, string Error) Synth { get; }
    public (int Code, string Error) Train { get; }

    public string File(string name) => folder.File(name);

    public void Dispose() => folder.Dispose();
}

/// <summary>Each command of the command line run once, in process, on tiny inputs.</summary>
public class EveryCommandTests(SynthesisedRun shared) : IClassFixture<SynthesisedRun>
{
    private static readonly (int, string) Success = (CommandRunner.Success, "");

    [Fact]
    public void SynthWritesALabelledDataSet()
    {
        Assert.Equal(Success, shared.Synth);
        Assert.Equal(6, Directory.GetFiles(Path.Combine(shared.Data, "images")).Length);
        Assert.Equal(6, Directory.GetFiles(Path.Combine(shared.Data, "masks")).Length);
        Assert.True(System.IO.File.Exists(Path.Combine(shared.Data, "labels.json")));
    }

    [Fact]
    public void TrainWritesARunThatRecordsItsNetwork()
    {
        Assert.Equal(Success, shared.Train);
        var run = RunManifest.Load(shared.Run);
        Assert.Equal(("unet", 1, true), (run.Model.Arch, run.Progress.CompletedEpochs, run.Progress.Finished));
        Assert.True(System.IO.File.Exists(Path.Combine(shared.Run, "log.csv")));
    }

    [Fact]
    public void PredictThenEvaluateScoreTheRunsMasks()
    {
        string pred = shared.File("pred");
        Assert.Equal(Success, CliRun.Invoke("predict", "--model", shared.Run, "--input", Path.Combine(shared.Data, "images"), "--out", pred, "--threads", "2"));
        Assert.Equal(6, Directory.GetFiles(pred, "phantom-*.png").Length);
        Assert.Equal(Success, CliRun.Invoke("evaluate", "--pred", pred, "--gt", shared.Data, "--labels", "medseg", "--out", shared.File("scores")));
        var report = MetricsReport.Load(shared.File("scores/metrics.json"));
        Assert.Equal(6, report.ImageCount);
        Assert.InRange(report.Global.PixelAccuracy, 0, 1);
    }

    [Theory]
    [InlineData(new string[0], "")]
    [InlineData(new[] { "--tta" }, "test-time augmentation: 4 mirror images averaged")]
    [InlineData(new[] { "--tta", "flips" }, "test-time augmentation: 4 mirror images averaged")]
    [InlineData(new[] { "--tta", "dihedral" }, "test-time augmentation: 8 mirror images and quarter turns averaged")]
    public void PredictSaysWhichTestTimeAugmentationItAveraged(string[] tta, string said)
    {
        string pred = shared.File("pred-tta-" + string.Join("-", tta).Replace("--", ""));
        Assert.Equal(Success, CliRun.Invoke(["predict", "--model", shared.Run, "--input", Path.Combine(shared.Data, "images"), "--out", pred, "--threads", "2", .. tta]));
        string html = System.IO.File.ReadAllText(Path.Combine(pred, CovidSeg.Inference.PredictionReports.HtmlFile));
        if (said.Length > 0) Assert.Contains(said, html);
        else Assert.DoesNotContain("test-time augmentation", html);
    }

    [Fact]
    public void PredictRefusesAnUnknownTestTimeAugmentation()
    {
        Assert.Equal((CommandRunner.Failure, "error: --tta: 'rotate' is not one of none, flips, dihedral"),
            CliRun.Invoke("predict", "--model", shared.Run, "--input", Path.Combine(shared.Data, "images"), "--out", shared.File("pred-bad-tta"), "--tta", "rotate"));
    }

    [Fact]
    public void CvTrainsEachFoldAndWritesTheTables()
    {
        string cv = shared.File("cv");
        Assert.Equal(Success, CliRun.Invoke("cv", "--data", shared.Data, "--labels", "medseg", "--folds", "2", "--archs", "unet,attention-unet",
            "--aug", "none", "--epochs", "1", "--side", "32", "--width", "8", "--depth", "2", "--attention-levels", "0", "--threads", "2", "--out", cv));
        string tables = System.IO.File.ReadAllText(Directory.GetFiles(cv, "*.md", SearchOption.AllDirectories).First(f => System.IO.File.ReadAllText(f).Contains("Table II")));
        Assert.Contains("| M - R (no ResNeXt) |", tables);
        Assert.Contains("| U-Net |", tables);
    }

    [Fact]
    public void DemoRunsThePipelineOnItsOwnPhantom()
    {
        string demo = shared.File("demo");
        Assert.Equal(Success, CliRun.Invoke("demo", "--out", demo, "--slices", "8", "--size", "32", "--side", "32", "--epochs", "1", "--arch", "unet", "--threads", "2"));
        var report = MetricsReport.Load(Path.Combine(demo, "metrics.json"));
        Assert.Equal(2, report.ImageCount); // a quarter of 8 held out
        Assert.Equal(2, Directory.GetFiles(Path.Combine(demo, "predictions"), "*_prediction_vs_truth.png").Length);
        Assert.True(System.IO.File.Exists(Path.Combine(demo, "run", RunManifest.FileName)));
    }

    [Fact]
    public void InfoDescribesTheRuntime() =>
        Assert.Equal(Success, CliRun.Invoke("info", "--threads", "1"));

    [Fact]
    public void SummaryTabulatesEveryNetworkOfTheTable()
    {
        foreach (var arch in CovidSeg.Models.Architectures.Names)
            Assert.Equal(Success, CliRun.Invoke("summary", "--arch", arch, "--size", "32", "--width", "8", "--depth", "2", "--cardinality", "4", "--attention-levels", "0"));
    }

    [Fact]
    public void ViewRefusesAFolderWithoutResults()
    {
        var (code, error) = CliRun.Invoke("view", shared.Data);
        Assert.Equal(CommandRunner.Failure, code);
        Assert.Contains(shared.Data, error);
    }
}
