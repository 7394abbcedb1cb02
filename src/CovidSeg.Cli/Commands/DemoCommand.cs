using System.CommandLine;
using System.Diagnostics;
using CovidSeg.Data;
using CovidSeg.Phantom;
using CovidSeg.IO;
using CovidSeg.Models;
using CovidSeg.Training;
using Spectre.Console;

namespace CovidSeg.Cli.Commands;

/// <summary>
/// <c>covidseg demo</c>: the whole pipeline in one command on built-in synthetic data (or --data): write a phantom data
/// set, train the default network briefly, segment the held-out slices, write masks, overlays and a metrics table.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "output folder", DefaultValueFactory = _ => new DirectoryInfo("covidseg-demo") };
        var dataFolder = new Option<DirectoryInfo?>("--data") { Description = "run on this labelled data folder instead of the phantom" };
        var slices = new Option<int>("--slices") { Description = "phantom slices to generate (a quarter are held out)", DefaultValueFactory = _ => 40 };
        var side = new Option<int>("--side") { Description = "network input side", DefaultValueFactory = _ => 128 };
        // Pictures a newcomer can read: slices larger than the network's input, which the segmenter restores to full size.
        var size = new Option<int>("--size") { Description = "side of the phantom slices in pixels (the network sees them at --side)", DefaultValueFactory = _ => 256 };
        var epochs = new Option<int>("--epochs") { Description = "training epochs", DefaultValueFactory = _ => 40 };
        var arch = new Option<string>("--arch") { Description = $"network: {Architectures.Listing()}", DefaultValueFactory = _ => Architectures.ResidualAttentionUNetName };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads();
        var command = new Command("demo", "Generate phantom CT slices, train the Residual Attention U-Net briefly, segment held-out slices and report lesion Dice (a few minutes on 2 cores).");
        foreach (var o in new Option[] { output, dataFolder, slices, side, size, epochs, arch, seed, threads }) command.Options.Add(o);
        command.SetHandler(parse =>
        {
            var clock = Stopwatch.StartNew();
            string outDir = parse.GetValue(output)!.FullName;
            OutputFolder.Check(outDir);
            int s = parse.GetValue(seed), networkSide = parse.GetValue(side), sliceSize = parse.GetValue(size);
            if (sliceSize < 32) throw new CovidSegException($"--size must be at least 32, got {sliceSize}");
            if (Directory.Exists(Path.Combine(outDir, "run")))
                throw new CovidSegException($"{outDir} already holds a demo; remove it or pass another --out");
            ISegmentationDataset data;
            if (parse.GetValue(dataFolder) is { } folder)
            {
                data = DatasetOpener.Open(folder.FullName);
            }
            else
            {
                // Phantom slices written to disk as a real data set would be, then read back.
                string dataDir = Path.Combine(outDir, "data");
                PhantomExport.WriteSlices(dataDir, new PhantomDataset(parse.GetValue(slices), s, new PhantomOptions { Size = sliceSize }));
                data = DatasetOpener.Open(dataDir);
                AnsiConsole.MarkupLine(Markup.Escape($"phantom data set: {data.Count} slices of {sliceSize}x{sliceSize} in {dataDir}"));
            }
            var demo = new DemoRequest(data, outDir, networkSide, parse.GetValue(epochs), parse.GetValue(arch) ?? Architectures.ResidualAttentionUNetName, s, parse.GetValue(threads));
            var request = DemoPipeline.Plan(demo);
            var (model, training, runDir) = (request.Model, request.Training, request.RunDirectory);
            AnsiConsole.MarkupLine(Markup.Escape($"training {model.Arch} (width {model.BaseWidth}) on {request.TrainIndices.Count} slices for {training.Epochs} epochs; {request.ValidationIndices.Count} held out"));
            using var ctrlC = new CtrlC();
            var (_, heldOutReport) = DemoPipeline.Run(demo, request, new ConsoleTrainingObserver(data.Labels), ctrlC.Token);
            if (heldOutReport is not { } report) return ctrlC.ExitCode;

            string predDir = DemoPipeline.PredictionDirectory(demo);
            AnsiConsole.Write(MetricsTable.Render(report));
            AnsiConsole.MarkupLine(Markup.Escape(
                $"held-out lesion Dice: {report.MeanOverImages.LesionMean.Dice:F3} (mean over images), {report.Global.LesionMean.Dice:F3} (pooled pixels)"));
            AnsiConsole.MarkupLine(Markup.Escape($"masks and overlays (NAME_prediction_vs_truth.png: prediction left, truth right): {predDir}\nmetrics: {Path.Combine(outDir, "metrics.md")}\nmodel: {runDir} (learning curve: learning-curve.png)\ntook {clock.Elapsed.TotalSeconds:F0} s"));
            return CommandRunner.Success;
        });
        return command;
    }
}
