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
    public void ADicomFolderWithTwoSeriesNeedsSeriesAndThenWritesItsOutputs()
    {
        using var folder = new TempFolder();
        string dicom = folder.File("study");
        Directory.CreateDirectory(dicom);
        var phantom = ChestPhantom.GenerateVolume(48, 48, 3, seed: 4);
        var volume = CovidSeg.Imaging.Nifti.NiftiVolume.Create(48, 48, 3, phantom.Hounsfield, 0.8, 0.8, 2);
        var ct = CovidSeg.Imaging.Dicom.CtSeriesIdentity.NewFor("P^Q", "P1", "chest");
        CovidSeg.Imaging.Dicom.CtSeriesWriter.Write(Path.Combine(dicom, "a"), volume, ct);
        CovidSeg.Imaging.Dicom.CtSeriesWriter.Write(Path.Combine(dicom, "b"), volume, ct with { SeriesInstanceUid = "1.2.3.99" });
        string output = folder.File("out");

        Assert.Equal(CommandRunner.Failure, Run("predict", "--model", run.RunDirectory, "--input", dicom, "--out", output, "--threads", "2"));
        Assert.False(File.Exists(Path.Combine(output, "study.nii.gz")));

        int code = Run("predict", "--model", run.RunDirectory, "--input", dicom, "--out", output, "--series", "1.2.3.99", "--threads", "2");
        Assert.Equal(CommandRunner.Success, code);
        Assert.True(File.Exists(Path.Combine(output, "study.nii.gz")));
        Assert.True(File.Exists(Path.Combine(output, "study.json")));
    }

    [Fact]
    public void AMissingModelFailsTheCommand()
    {
        using var folder = new TempFolder();
        Assert.Equal(CommandRunner.Failure, Run("predict", "--model", folder.File("none"), "--input", folder.Path, "--out", folder.File("out")));
    }
}
