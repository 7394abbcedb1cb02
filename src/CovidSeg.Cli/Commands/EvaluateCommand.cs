using System.CommandLine;
using CovidSeg.Data;
using CovidSeg.Evaluation;
using CovidSeg.IO;
using Spectre.Console;

namespace CovidSeg.Cli.Commands;

/// <summary><c>covidseg evaluate</c>: Dice, IoU, precision, sensitivity, specificity of predicted masks against true ones.</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var predicted = new Option<DirectoryInfo>("--pred") { Description = "folder of predicted label masks (NAME.png or NAME.nii.gz)", Required = true };
        var truth = new Option<DirectoryInfo>("--gt") { Description = "folder of true label masks with the same stems (or a data folder with masks/)", Required = true };
        var labels = new Option<string>("--labels") { Description = "label set: semiseg (3 classes) or medseg (4 classes)", DefaultValueFactory = _ => "semiseg" };
        var subset = new Option<bool>("--subset") { Description = "score only the predicted masks (a held-out subset of --gt); otherwise a ground-truth mask without a prediction is an error" };
        var output = new Option<DirectoryInfo?>("--out", "-o") { Description = "where to write metrics.json, metrics.csv and metrics.md (default: the --pred folder)" };
        var command = new Command("evaluate", "Score predicted label masks against ground truth, per lesion class, as a mean over images and over pooled pixels.");
        foreach (var o in new Option[] { predicted, truth, labels, subset, output }) command.Options.Add(o);
        command.SetHandler(parse =>
        {
            var labelSet = DatasetOpener.LabelSetNamed(parse.GetValue(labels) ?? "semiseg");
            string predFolder = parse.GetValue(predicted)!.FullName;
            string outDir = parse.GetValue(output)?.FullName ?? predFolder;
            OutputFolder.Check(outDir);
            var report = MaskFolderEvaluator.Evaluate(predFolder, parse.GetValue(truth)!.FullName, labelSet, parse.GetValue(subset));
            OutputFolder.Create(outDir);
            report.SaveAll(outDir);
            AnsiConsole.Write(MetricsTable.Render(report));
            AnsiConsole.MarkupLine(Markup.Escape($"written: {Path.Combine(outDir, "metrics.json")}, metrics.csv, metrics.md"));
            return CommandRunner.Success;
        });
        return command;
    }
}
