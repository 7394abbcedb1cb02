using CovidSeg.Cli;
using CovidSeg.Data.Phantom;
using CovidSeg.Imaging;
using CovidSeg.Inference;

namespace CovidSeg.Tests.Inference;

public class PredictCommandTests(TrainedRunFixture run) : IClassFixture<TrainedRunFixture>
{
    private static int Run(params string[] args)
    {
        var root = new System.CommandLine.RootCommand("test");
        root.Subcommands.Add(CovidSeg.Cli.Commands.PredictCommand.Create());
        return CommandRunner.Invoke(root, args);
    }

    [Fact]
    public void AFolderWithOneBadFileExitsWithPartialFailureAndWritesEverythingElse()
    {
        using var folder = new TempFolder();
        string inputs = folder.File("in");
        Directory.CreateDirectory(inputs);
        var slice = ChestPhantom.GenerateSlice(8, new PhantomOptions { Size = 48 });
        ImageFile.WriteGrey8(Path.Combine(inputs, "a.png"), slice.Image);
        File.WriteAllText(Path.Combine(inputs, "b.jpg"), "text");
        File.WriteAllText(Path.Combine(inputs, "readme.txt"), "ignored: not an image name");
        string output = folder.File("out");
        int code = Run("predict", "--model", run.RunDirectory, "--input", inputs, "--out", output, "--overlay", "--threads", "2");
        Assert.Equal(CommandRunner.PartialFailure, code);
        foreach (var f in new[] { "a.png", "a_overlay.png", "a.json", "a.md", PredictionReports.SummaryFile, PredictionReports.HtmlFile })
            Assert.True(File.Exists(Path.Combine(output, f)), f);
        Assert.Empty(Directory.GetFiles(output, "*.partial"));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(output, PredictionReports.SummaryFile)).Length);
    }

    [Fact]
    public void AMissingModelFailsTheCommand()
    {
        using var folder = new TempFolder();
        Assert.Equal(CommandRunner.Failure, Run("predict", "--model", folder.File("none"), "--input", folder.Path, "--out", folder.File("out")));
    }
}
