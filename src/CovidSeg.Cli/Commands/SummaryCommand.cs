using System.CommandLine;
using System.Globalization;
using CovidSeg.Benchmarks;
using CovidSeg.Models;
using CovidSeg.Runtime;
using Spectre.Console;
using TorchSharp;

namespace CovidSeg.Cli.Commands;

/// <summary><c>covidseg summary</c>: per-block output shapes, parameters and forward cost of a network.</summary>
public static class SummaryCommand
{
    public static Command Create()
    {
        var defaults = new ModelOptions();
        var model = new ModelCommandOptions();
        var size = new Option<int>("--size") { Description = "side of the square input in pixels (the paper uses 369)", DefaultValueFactory = _ => 369 };
        var classes = new Option<int>("--classes") { Description = "output classes including background", DefaultValueFactory = _ => defaults.Classes };
        var timeSteps = new Option<int>("--time-steps") { Description = "also time this many training steps (Adam, cross-entropy) on random data; 0 = do not time", DefaultValueFactory = _ => 0 };
        var batch = new Option<int>("--batch") { Description = "batch size for --time-steps", DefaultValueFactory = _ => 4 };
        var threads = CommonOptions.Threads();
        var command = new Command("summary", "Print a network's blocks with output shape, parameters and forward MACs/FLOPs for one input size.");
        model.AddTo(command);
        foreach (var o in new Option[] { size, classes, timeSteps, batch, threads }) command.Options.Add(o);
        command.SetHandler(parse =>
        {
            TorchRuntime.Configure(parse.GetValue(threads));
            int side = parse.GetValue(size);
            if (side < 1) throw new CovidSegException($"--size must be positive, got {side}");
            var options = model.Build(parse, parse.GetValue(classes));
            using var network = ModelFactory.Create(options, seed: 1);
            var summary = ModelSummary.Compute(network, side, side);
            var table = new Table().AddColumn("block").AddColumn("output (padded grid)").AddColumn(new TableColumn("parameters").RightAligned())
                .AddColumn(new TableColumn("of which attention").RightAligned())
                .AddColumn(new TableColumn("MACs").RightAligned()).AddColumn(new TableColumn("of which attention").RightAligned());
            foreach (var b in summary.Blocks)
                table.AddPlainRow(b.Name, string.Join(" x ", b.OutputShape), Count(b.Parameters),
                    b.AttentionParameters > 0 ? Count(b.AttentionParameters) : "", Giga(b.Macs), b.AttentionMacs > 0 ? Giga(b.AttentionMacs) : "");
            table.AddPlainRow("total", "", Count(summary.TotalParameters),
                summary.TotalAttentionParameters > 0 ? Count(summary.TotalAttentionParameters) : "", Giga(summary.TotalMacs),
                summary.TotalAttentionMacs > 0 ? Giga(summary.TotalAttentionMacs) : "");
            table.Caption = new TableTitle(
                $"{options.Arch}, width {options.BaseWidth}, depth {options.Depth}, {options.Classes} classes, norm {options.Norm}; " +
                $"input {side} x {side} padded to {summary.PaddedHeight} x {summary.PaddedWidth}; " +
                $"forward {Giga(summary.TotalFlops)} FLOPs (2 per MAC)");
            AnsiConsole.Write(table);
            int steps = parse.GetValue(timeSteps);
            if (steps > 0)
            {
                int batchSize = parse.GetValue(batch);
                var timing = TrainingStepTimer.Measure(network, batchSize, side, steps, seed: 1);
                AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"training step (batch {batchSize}, {side} x {side}, {torch.get_num_threads()} threads): {timing.Median:F3} s, median of {steps} after one warm-up (fastest {timing.Min:F3}, slowest {timing.Max:F3})"));
            }
            return CommandRunner.Success;
        });
        return command;
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Giga(long macs) => (macs / 1e9).ToString("0.000", CultureInfo.InvariantCulture) + " G";
}
