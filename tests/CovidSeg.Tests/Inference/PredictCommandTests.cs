using CovidSeg.Cli;
using CovidSeg.Phantom;
using CovidSeg.Imaging;
using CovidSeg.Inference;
using CovidSeg.Tests.Imaging;

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
        // A second run into the same folder removes what a killed writer left there.
        string left = Path.Combine(output, ".summary.csv.0123abcd.partial");
        File.WriteAllText(left, "x");
        Run("predict", "--model", run.RunDirectory, "--input", inputs, "--out", output, "--threads", "2");
        Assert.False(File.Exists(left));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(output, PredictionReports.SummaryFile)).Length);
    }

    [Fact]
    public void AnOversizedPngInTheMiddleOfAFolderFailsAloneAndTheSummaryListsIt()
    {
        using var folder = new TempFolder();
        string inputs = folder.File("in");
        Directory.CreateDirectory(inputs);
        var slice = ChestPhantom.GenerateSlice(8, new PhantomOptions { Size = 48 });
        ImageFile.WriteGrey8(Path.Combine(inputs, "1.png"), slice.Image);
        File.WriteAllBytes(Path.Combine(inputs, "2.png"), CovidSeg.Tests.Imaging.ImagePixelLimitTests.HeaderOnlyPng(60000, 60000));
        ImageFile.WriteGrey8(Path.Combine(inputs, "3.png"), slice.Image);
        string output = folder.File("out");
        int code = Run("predict", "--model", run.RunDirectory, "--input", inputs, "--out", output, "--threads", "2");
        Assert.Equal(CommandRunner.PartialFailure, code);
        foreach (var f in new[] { "1.png", "1.json", "3.png", "3.json", PredictionReports.SummaryFile, PredictionReports.HtmlFile })
            Assert.True(File.Exists(Path.Combine(output, f)), f);
        Assert.False(File.Exists(Path.Combine(output, "2.json")));
        var rows = File.ReadAllLines(Path.Combine(output, PredictionReports.SummaryFile));
        Assert.Equal(4, rows.Length);
        Assert.StartsWith(Path.Combine(inputs, "2.png") + ",failed,", rows[2]);
        // The message holds a comma, so the CSV cell is quoted.
        Assert.EndsWith($",\"{Path.Combine(inputs, "2.png")}: image is 60000x60000 = 3600000000 pixels, more than the limit of 100000000 (--max-pixels); not decoded\"", rows[2]);
        Assert.Contains(",ok,", rows[3]);
    }

    [Fact]
    public void TheMaxPixelsOptionLowersTheLimit()
    {
        using var folder = new TempFolder();
        var slice = ChestPhantom.GenerateSlice(8, new PhantomOptions { Size = 48 });
        string input = folder.File("a.png");
        ImageFile.WriteGrey8(input, slice.Image);
        string output = folder.File("out");
        Assert.Equal(CommandRunner.Failure, Run("predict", "--model", run.RunDirectory, "--input", input, "--out", output, "--threads", "2", "--max-pixels", "2303"));
        Assert.EndsWith("image is 48x48 = 2304 pixels, more than the limit of 2303 (--max-pixels); not decoded\"", File.ReadAllLines(Path.Combine(output, PredictionReports.SummaryFile))[1]);
        Assert.Equal(CommandRunner.Failure, Run("predict", "--model", run.RunDirectory, "--input", input, "--out", output, "--max-pixels", "0"));
    }

    [Fact]
    public void TwoInputsWithTheSameStemAreRefusedBeforeAnythingIsWritten()
    {
        using var folder = new TempFolder();
        string inputs = folder.File("in");
        Directory.CreateDirectory(inputs);
        var slice = ChestPhantom.GenerateSlice(8, new PhantomOptions { Size = 48 });
        ImageFile.WriteGrey8(Path.Combine(inputs, "3.png"), slice.Image);
        ImageFileTests.WriteJpeg(Path.Combine(inputs, "3.jpg"), 48, 48, SkiaSharp.SKColorType.Gray8, GreyLevels.ToDisplay8(slice.Image));
        string output = folder.File("out");
        Assert.Equal(CommandRunner.Failure, Run("predict", "--model", run.RunDirectory, "--input", inputs, "--out", output, "--threads", "2"));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void AnOutBelowAFileIsOneLine()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("afile"), "x");
        var slice = ChestPhantom.GenerateSlice(8, new PhantomOptions { Size = 48 });
        ImageFile.WriteGrey8(folder.File("a.png"), slice.Image);
        Assert.Equal((CommandRunner.Failure, $"error: --out {folder.File("afile/p")} cannot be created: {folder.File("afile")} is a file, not a folder"),
            CovidSeg.Tests.Cli.CliRun.Invoke("predict", "--model", run.RunDirectory, "--input", folder.File("a.png"), "--out", folder.File("afile/p"), "--threads", "2"));
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
    public void OutlineOverlaysKeepTheInsideOfEachLesionGreyAndPutTheLegendBesideTheSlice()
    {
        using var folder = new TempFolder();
        var slice = ChestPhantom.GenerateSlice(8, new PhantomOptions { Size = 48 });
        ImageFile.WriteGrey8(folder.File("a.png"), slice.Image);
        string output = folder.File("out");
        Assert.Equal(CommandRunner.Success, Run("predict", "--model", run.RunDirectory, "--input", folder.File("a.png"), "--out", output,
            "--overlay", "--overlay-style", "outline", "--threads", "2"));
        var labels = ImageFile.ReadLabels(Path.Combine(output, "a.png"));
        using var overlay = SkiaSharp.SKBitmap.Decode(Path.Combine(output, "a_overlay.png"));
        Assert.Equal(48, overlay.Height);
        Assert.True(overlay.Width > 48, $"overlay width {overlay.Width}: the legend strip belongs to the right of the slice");
        int edges = 0, insides = 0;
        for (int y = 1; y < 47; y++)
            for (int x = 1; x < 47; x++)
            {
                byte l = labels[x, y];
                if (l == 0) continue;
                bool inside = labels[x - 1, y] == l && labels[x + 1, y] == l && labels[x, y - 1] == l && labels[x, y + 1] == l;
                var p = overlay.GetPixel(x, y);
                if (inside)
                {
                    insides++;
                    Assert.True(p.Red == p.Green && p.Green == p.Blue, $"inside pixel ({x}, {y}) is {p}, not grey");
                }
                else
                {
                    edges++;
                    Assert.False(p.Red == p.Green && p.Green == p.Blue, $"edge pixel ({x}, {y}) is grey");
                }
            }
        // The 2-epoch fixture model labels most of the slice as lesion, so the inside is what this run can check.
        Assert.True(insides > 0, $"{edges} edge and {insides} inside lesion pixels");
        string html = File.ReadAllText(Path.Combine(output, PredictionReports.HtmlFile));
        Assert.Contains("background:rgb(46,204,113)\"></span>ground-glass opacity", html);
    }

    [Fact]
    public void AnUnknownOverlayStyleIsOneLine()
    {
        using var folder = new TempFolder();
        Assert.Equal((CommandRunner.Failure, "error: --overlay-style must be fill or outline, got 'dots'"),
            CovidSeg.Tests.Cli.CliRun.Invoke("predict", "--model", run.RunDirectory, "--input", folder.Path, "--out", folder.File("out"), "--overlay-style", "dots"));
    }

    [Fact]
    public void AMissingModelFailsTheCommand()
    {
        using var folder = new TempFolder();
        Assert.Equal(CommandRunner.Failure, Run("predict", "--model", folder.File("none"), "--input", folder.Path, "--out", folder.File("out")));
    }
}
