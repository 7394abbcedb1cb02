using CovidSeg.Cli;
using CovidSeg.Cli.Commands;

namespace CovidSeg.Tests.Pacs;

/// <summary>Bad worker options fail with one line before any model is loaded or Orthanc contacted.</summary>
public class WorkerCommandErrorTests
{
    private static (int Code, string Error) Invoke(params string[] args)
    {
        var root = new System.CommandLine.RootCommand("test");
        root.Subcommands.Add(WorkerCommand.Create());
        var error = new StringWriter();
        return (CommandRunner.Invoke(root, args, error), error.ToString().TrimEnd('\n'));
    }

    [Theory]
    [InlineData("http://alice:secret@pacs:8042", "error: --orthanc must not hold credentials: set COVIDSEG_ORTHANC_USER and COVIDSEG_ORTHANC_PASSWORD or use --credentials-file")]
    [InlineData("ftp://pacs", "error: --orthanc must be an http:// or https:// URL, got ftp://pacs/")]
    [InlineData("pacs:8042", "error: --orthanc must be an http:// or https:// URL, got pacs:8042")]
    public void ABadUrlIsOneLine(string url, string expected)
    {
        var (code, error) = Invoke("worker", "--orthanc", url, "--model", "no-such-run");
        Assert.Equal((CommandRunner.Failure, expected), (code, error));
        Assert.DoesNotContain("secret", error);
    }

    [Fact]
    public void ABadFilterOrTimeoutIsOneLine()
    {
        var (code, error) = Invoke("worker", "--orthanc", "http://pacs:8042", "--model", "r", "--series-description", "(");
        Assert.Equal(CommandRunner.Failure, code);
        Assert.StartsWith("error: --series-description is not a regular expression: ", error);
        Assert.DoesNotContain("\n", error);
        Assert.Equal((CommandRunner.Failure, "error: --claim-timeout must be a number of seconds above 0 and at most 604800, got 0"),
            Invoke("worker", "--orthanc", "http://pacs:8042", "--model", "r", "--claim-timeout", "0"));
    }
}
