using CovidSeg.Cli;
using CovidSeg.Cli.Commands;

namespace CovidSeg.Tests.Cli;

/// <summary>Runs the command line in-process and keeps what the runner printed as its error line.</summary>
public static class CliRun
{
    public static (int Code, string Error) Invoke(params string[] args)
    {
        var root = new System.CommandLine.RootCommand("test");
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(SynthCommand.Create());
        root.Subcommands.Add(SummaryCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(CvCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(ViewCommand.Create());
        var error = new StringWriter();
        int code = CommandRunner.Invoke(root, args, error);
        return (code, error.ToString().TrimEnd('\n'));
    }
}
