using CovidSeg.Cli;
using CovidSeg.Phantom;

namespace CovidSeg.Tests.Cli;

/// <summary>predict and evaluate refuse an --out that cannot be a folder with one line and exit code 1.</summary>
public class OutputFolderErrorTests
{
    [Fact]
    public void EvaluateWithOutBelowAFile()
    {
        using var folder = new TempFolder();
        string data = folder.File("data");
        PhantomExport.WriteSlices(data, new PhantomDataset(2, seed: 2, new PhantomOptions { Size = 32 }));
        File.WriteAllText(folder.File("afile"), "x");
        Assert.Equal((CommandRunner.Failure, $"error: --out {folder.File("afile/m")} cannot be created: {folder.File("afile")} is a file, not a folder"),
            CliRun.Invoke("evaluate", "--pred", Path.Combine(data, "masks"), "--gt", data, "--out", folder.File("afile/m")));
        Assert.Equal((CommandRunner.Failure, $"error: --out {folder.File("afile")} is a file, expected a folder"),
            CliRun.Invoke("evaluate", "--pred", Path.Combine(data, "masks"), "--gt", data, "--out", folder.File("afile")));
    }
}
