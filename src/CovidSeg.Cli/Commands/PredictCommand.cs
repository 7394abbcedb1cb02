using System.CommandLine;
using CovidSeg.Data;
using CovidSeg.PostProcessing;
using CovidSeg.Imaging;
using CovidSeg.Inference;
using CovidSeg.Runtime;
using Spectre.Console;
using CovidSeg.Labels;

namespace CovidSeg.Cli.Commands;

/// <summary>
/// <c>covidseg predict</c>: segments slices and CT volumes with one trained run or an ensemble of runs, writes label
/// masks, overlays and an infection report per input, summary.csv and a self-contained report.html.
/// </summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var models = new Option<string[]>("--model", "-m") { Description = "run folder made by `covidseg train`; repeat for an ensemble (softmax averaged)", Required = true, AllowMultipleArgumentsPerToken = true };
        var inputs = new Option<string[]>("--input", "-i") { Description = "PNG/JPEG slices, NIfTI 2D/3D images (.nii, .nii.gz), folders of them, DICOM CT files (.dcm) or a folder holding one DICOM series", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "output folder for masks, overlays and reports", Required = true };
        var overlay = new Option<bool>("--overlay") { Description = "also write NAME_overlay.png (image with each class in its colour, legend in a strip to the right)" };
        var style = new Option<string>("--overlay-style") { Description = "overlays fill each lesion, or outline it so the texture inside stays visible: fill or outline", DefaultValueFactory = _ => "fill" };
        var tta = CommonOptions.Tta();
        var batch = new Option<int>("--batch") { Description = "slices per forward pass for volumes", DefaultValueFactory = _ => Segmenter.DefaultBatchSize };
        var lungMask = new Option<string?>("--lung-mask") { Description = "lung mask file (non-zero = lung) or folder of NAME.png / NAME.nii.gz; default: computed" };
        var series = new Option<string?>("--series") { Description = "Series Instance UID to segment when a DICOM folder holds several series" };
        var labels = new Option<string?>("--labels") { Description = "require the model(s) to label this set: semiseg or medseg" };
        var maxPixels = new Option<long>("--max-pixels") { Description = "largest PNG/JPEG accepted, in pixels, checked before decoding", DefaultValueFactory = _ => ImageFile.DefaultMaxPixels };
        var precision = new Option<string>("--precision") { Description = "network precision: auto (bf16 where the CPU has bf16 instructions and bf16 products measure faster, else fp32), fp32 or bf16", DefaultValueFactory = _ => "auto" };
        var offsets = new Option<string?>("--decision-offsets") { Description = "decision-offsets.json written by `cv --decision-offsets`: per-class amounts added to the log-probabilities before the most probable class is taken (the model's classes must match)" };
        var threads = CommonOptions.Threads();
        var command = new Command("predict", "Segment slices, CT volumes or DICOM CT series with trained model(s) and quantify infection as a share of the lung; DICOM input also gives a DICOM Segmentation.");
        foreach (var o in new Option[] { models, inputs, output, overlay, style, tta, batch, lungMask, series, labels, maxPixels, precision, offsets, threads }) command.Options.Add(o);
        command.SetHandler(parse =>
        {
            long pixelLimit = parse.GetValue(maxPixels);
            if (pixelLimit < 1 || pixelLimit > ImageFile.MaxPixelsCeiling)
                throw new CovidSegException($"--max-pixels must be 1..{ImageFile.MaxPixelsCeiling}, got {pixelLimit}");
            var overlayStyle = OverlayStyles.Parse(parse.GetValue(style), "--overlay-style");
            TorchRuntime.Configure(parse.GetValue(threads));
            string? labelName = parse.GetValue(labels);
            var expected = labelName is null ? null : DatasetOpener.LabelSetNamed(labelName);
            var asked = PrecisionChooser.Parse(parse.GetValue(precision) ?? "auto");
            var chosen = PrecisionChooser.Choose(asked);
            string? offsetsPath = parse.GetValue(offsets);
            var decisionOffsets = offsetsPath is null ? null : DecisionOffsets.Load(offsetsPath);
            using var ensemble = Ensemble.Load(parse.GetValue(models) ?? [], CommonOptions.ParseTta(parse, tta), expected, chosen);
            AnsiConsole.WriteLine($"precision: {ensemble.Precision.Describe()}");
            decisionOffsets?.Validate(ensemble.Labels.Classes.Select(c => c.Name).ToList(), offsetsPath!);
            if (decisionOffsets is not null) AnsiConsole.WriteLine($"decision offsets: {decisionOffsets.Describe()}");
            if (decisionOffsets?.AugmentationMismatch(ensemble.Tta.Name) is { } mismatch) Console.Error.WriteLine($"warning: {offsetsPath}: {mismatch}");
            var options = new PredictionOptions(parse.GetValue(output)!.FullName, parse.GetValue(overlay), parse.GetValue(batch), parse.GetValue(lungMask), MaxPixels: pixelLimit, SeriesUid: parse.GetValue(series), OverlayStyle: overlayStyle, Offsets: decisionOffsets);
            if (options.BatchSize < 1) throw new CovidSegException($"--batch must be at least 1, got {options.BatchSize}");
            var predictor = new Predictor(ensemble, options);
            var outcomes = predictor.PredictAll(parse.GetValue(inputs) ?? [], o =>
            {
                if (!o.Succeeded) Console.Error.WriteLine($"error: {o.Error}");
            });
            AnsiConsole.Write(Summarise(outcomes, ensemble.Labels));
            AnsiConsole.WriteLine($"reports: {Path.Combine(options.OutputDirectory, PredictionReports.HtmlFile)}, {Path.Combine(options.OutputDirectory, PredictionReports.SummaryFile)}");
            int failed = outcomes.Count(o => !o.Succeeded);
            return failed == 0 ? CommandRunner.Success : failed == outcomes.Count ? CommandRunner.Failure : CommandRunner.PartialFailure;
        });
        return command;
    }

    private static Table Summarise(IReadOnlyList<PredictionOutcome> outcomes, LabelSet labels)
    {
        var table = new Table().AddColumn("input").AddColumn("kind");
        foreach (var c in labels.Lesions) table.AddColumn(new TableColumn($"{c.Name} (size, % lung)").RightAligned());
        table.AddColumn(new TableColumn("lung").RightAligned()).AddColumn(new TableColumn("opacity %").RightAligned()).AddColumn(new TableColumn("s").RightAligned());
        foreach (var o in outcomes)
        {
            if (o.Report is not { } r)
            {
                table.AddPlainRow([Path.GetFileName(o.Input), "failed", .. labels.Lesions.Select(_ => ""), "", "", ""]);
                continue;
            }
            var cells = new List<string> { Path.GetFileName(r.Input), r.Kind };
            foreach (var c in r.Classes)
                cells.Add(InfectionQuantification.SizeOf(c) is { } size
                    ? $"{InfectionQuantification.F(size)} {r.SizeUnit}, {InfectionQuantification.F(c.PercentOfLung)}"
                    : $"{c.Pixels} px, {InfectionQuantification.F(c.PercentOfLung)}");
            cells.Add(r.LungSize is { } lung ? $"{InfectionQuantification.F(lung)} {r.SizeUnit}" : $"{r.LungPixels} px");
            cells.Add(InfectionQuantification.F(r.PercentOpacity));
            cells.Add(InfectionQuantification.F(r.Seconds));
            table.AddPlainRow([.. cells]);
        }
        return table;
    }
}
