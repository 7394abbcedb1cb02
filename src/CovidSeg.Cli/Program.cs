using System.CommandLine;
using CovidSeg.Cli;
using CovidSeg.Cli.Commands;

var root = new RootCommand("CovidSeg: multi-class COVID-19 lung infection segmentation in chest CT (Residual Attention U-Net).");
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(SynthCommand.Create());
root.Subcommands.Add(SummaryCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(PredictCommand.Create());
return CommandRunner.Invoke(root, args);
