using System.CommandLine;
using CovidSeg.Cli;
using CovidSeg.Cli.Commands;

CovidSeg.Runtime.NativeEnvironment.Apply();
CovidSeg.Runtime.NativeEnvironment.RetainFreedMemory();
var root = new RootCommand("CovidSeg: multi-class COVID-19 lung infection segmentation in chest CT (Residual Attention U-Net).");
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(SynthCommand.Create());
root.Subcommands.Add(SummaryCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(CvCommand.Create());
root.Subcommands.Add(PredictCommand.Create());
root.Subcommands.Add(EvaluateCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(ViewCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(WorkerCommand.Create());
return CommandRunner.Invoke(root, args);
