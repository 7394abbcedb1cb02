using CovidSeg.Cli;
using CovidSeg.Cli.Commands;
using CovidSeg.Cli.Viewer;

namespace CovidSeg.Tests.Viewer;

public class ViewCommandTests
{
    private static (int Code, string Error) Run(params string[] args)
    {
        var root = new System.CommandLine.RootCommand("test");
        root.Subcommands.Add(ViewCommand.Create());
        var error = new StringWriter();
        int code = CommandRunner.Invoke(root, args, error);
        return (code, error.ToString().TrimEnd('\n'));
    }

    [Fact]
    public void AMissingResultsFolderIsOneLine()
    {
        using var folder = new TempFolder();
        Assert.Equal((CommandRunner.Failure, $"error: RESULTS_DIR {folder.File("none")}: folder not found"), Run("view", folder.File("none")));
    }

    [Fact]
    public void AFolderWithoutResultsIsOneLine()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("other.json"), "{\"a\": 1}");
        Assert.Equal((CommandRunner.Failure, $"error: RESULTS_DIR {folder.Path} holds no predict report (NAME.json) or summary.csv: run `covidseg predict --out {folder.Path}` first"),
            Run("view", folder.Path));
    }

    [Fact]
    public void AMissingTruthFolderIsOneLine()
    {
        using var folder = new TempFolder();
        Assert.Equal((CommandRunner.Failure, $"error: --gt {folder.File("gt")}: folder not found"), Run("view", folder.Path, "--gt", folder.File("gt")));
    }

    [Fact]
    public async Task ABadPortIsOneLine()
    {
        var e = await Assert.ThrowsAsync<CovidSegException>(() => ViewerServer.StartAsync(null!, 70000));
        Assert.Equal("--port must be 0..65535, got 70000", e.Message);
    }

    [Fact]
    public void TruthIsFoundByTheOutputNameOrItsNnUNetLabelName()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("a.png"), "");
        File.WriteAllText(folder.File("case_001.nii.gz"), "");
        Assert.Equal(folder.File("a.png"), ResultsCatalog.TruthFor(folder.Path, "a"));
        Assert.Equal(folder.File("case_001.nii.gz"), ResultsCatalog.TruthFor(folder.Path, "case_001_0000"));
        Assert.Null(ResultsCatalog.TruthFor(folder.Path, "b"));
    }

    [Theory]
    [InlineData("a,b,c", new[] { "a", "b", "c" })]
    [InlineData("\"x, y\",failed,\"say \"\"no\"\"\"", new[] { "x, y", "failed", "say \"no\"" })]
    [InlineData("a,,", new[] { "a", "", "" })]
    public void CsvLinesSplitLikePredictWritesThem(string line, string[] fields) => Assert.Equal(fields, CsvLine.Split(line));
}
