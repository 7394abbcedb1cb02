using System.CommandLine;
using System.Diagnostics;
using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Phantom;
using CovidSeg.Evaluation;
using CovidSeg.Imaging;
using CovidSeg.Inference;
using CovidSeg.IO;
using CovidSeg.Models;
using CovidSeg.Training;
using Spectre.Console;
using CovidSeg.Runs;

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
            var split = DataSplit.ByFraction(data.AllIds(), 0.25, s);
            var (train, heldOut) = split.IndicesIn(data);
            var model = new ModelOptions { Arch = parse.GetValue(arch) ?? Architectures.ResidualAttentionUNetName, Classes = data.Labels.Count };
            // Cross-entropy plus soft Dice: lesions cover about 1% of a phantom slice, and plain cross-entropy takes many
            // more steps than a demo has before it predicts them at all.
            var training = new TrainingOptions { Epochs = parse.GetValue(epochs), BatchSize = 4, LearningRate = 2e-3, Loss = LossKind.DiceCrossEntropy, Seed = s, Threads = parse.GetValue(threads) };
            string runDir = Path.Combine(outDir, "run");
            var request = new TrainingRequest(data, train, heldOut, model, new PreprocessingOptions(Side: networkSide), AugmentationMode.Online, training, runDir);
            AnsiConsole.MarkupLine(Markup.Escape($"training {model.Arch} (width {model.BaseWidth}) on {train.Length} slices for {training.Epochs} epochs; {heldOut.Length} held out"));
            using var ctrlC = new CtrlC();
            var result = Trainer.Run(request, new ConsoleTrainingObserver(data.Labels), ctrlC.Token);
            if (result.Interrupted) return ctrlC.ExitCode;

            string predDir = Path.Combine(outDir, "predictions");
            var report = SegmentHeldOut(data, heldOut, runDir, predDir);
            report.SaveAll(outDir);
            AnsiConsole.Write(MetricsTable.Render(report));
            AnsiConsole.MarkupLine(Markup.Escape(
                $"held-out lesion Dice: {report.MeanOverImages.LesionMean.Dice:F3} (mean over images), {report.Global.LesionMean.Dice:F3} (pooled pixels)"));
            AnsiConsole.MarkupLine(Markup.Escape($"masks and overlays (NAME_prediction_vs_truth.png: prediction left, truth right): {predDir}\nmetrics: {Path.Combine(outDir, "metrics.md")}\nmodel: {runDir} (learning curve: learning-curve.png)\ntook {clock.Elapsed.TotalSeconds:F0} s"));
            return CommandRunner.Success;
        });
        return command;
    }

    /// <summary>Segments the held-out slices with the run's best checkpoint, through the same segmenter as
    /// <c>predict</c>; writes NAME.png, NAME_overlay.png and NAME_prediction_vs_truth.png (prediction left, truth right).</summary>
    private static MetricsReport SegmentHeldOut(ISegmentationDataset data, IReadOnlyList<int> heldOut, string runDir, string predDir)
    {
        using var model = Ensemble.Load([runDir], flipAveraging: false, data.Labels);
        var segmenter = new Segmenter(model);
        var metrics = new MetricsAccumulator(data.Labels);
        foreach (int i in heldOut)
        {
            var sample = data.Load(i);
            var predicted = segmenter.Segment(sample.Image);
            ImageFile.WriteLabels(Path.Combine(predDir, sample.Id + ".png"), predicted);
            var overlay = Overlay.Picture(sample.Image, predicted, data.Labels);
            ImageFile.WriteRgb(Path.Combine(predDir, sample.Id + "_overlay.png"), overlay.Width, overlay.Height, overlay.Rgb);
            // Prediction left, truth right, one legend: what the network got right and wrong at a glance.
            var pair = OverlayLegend.AppendStrip(SideBySide.Join(
                new RgbPicture(sample.Image.Width, sample.Image.Height, Overlay.Render(sample.Image, predicted, data.Labels)),
                new RgbPicture(sample.Image.Width, sample.Image.Height, Overlay.Render(sample.Image, sample.Mask, data.Labels))), data.Labels);
            ImageFile.WriteRgb(Path.Combine(predDir, sample.Id + "_prediction_vs_truth.png"), pair.Width, pair.Height, pair.Rgb);
            metrics.Add(sample.Id, sample.Mask, predicted);
        }
        return metrics.ToReport();
    }
}
