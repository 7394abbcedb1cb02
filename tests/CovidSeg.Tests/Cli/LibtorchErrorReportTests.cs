using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using CovidSeg.Cli;

namespace CovidSeg.Tests.Cli;

public class LibtorchErrorReportTests
{
    [Fact]
    public void ALibtorchFailurePrintsOneLineAndKeepsTheWholeMessageInAFile()
    {
        var root = new RootCommand("test");
        var failing = new Command("fail");
        failing.SetHandler(_ => throw new ExternalException("Expected false to be true, but got false.\nException raised from check at kernel.cpp:42\nframe #0: at::native::foo"));
        root.Subcommands.Add(failing);
        var error = new StringWriter();

        Assert.Equal(CommandRunner.Failure, CommandRunner.Invoke(root, ["fail"], error));

        string line = error.ToString().TrimEnd('\n');
        Assert.DoesNotContain('\n', line);
        var match = Regex.Match(line, "^error: libtorch failed: Expected false to be true, but got false\\. Its full report: (?<path>\\S+covidseg-libtorch-error-\\S+\\.txt)\\. Training commands resume");
        Assert.True(match.Success, line);
        string path = match.Groups["path"].Value;
        try
        {
            string report = File.ReadAllText(path);
            Assert.Contains("kernel.cpp:42", report);
            Assert.Contains("frame #0: at::native::foo", report);
            Assert.Contains(nameof(ExternalException), report);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
