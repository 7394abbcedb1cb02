using System.CommandLine;
using System.Diagnostics;
using CovidSeg.IO;
using CovidSeg.Models;
using CovidSeg.Training;
using Spectre.Console;

namespace CovidSeg.Cli.Commands;

/// <summary><c>covidseg cv</c>: the paper's k-fold comparison of networks with and without augmentation.</summary>
public static class CvCommand
{
    public static Command Create()
    {
        var data = new DataCommandOptions();
        var model = new ModelCommandOptions();
        var training = new TrainingCommandOptions();
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "results folder (rerun the same command to resume)", Required = true };
        var folds = new Option<int>("--folds") { Description = "folds (the paper: 10)", DefaultValueFactory = _ => 10 };
        var archs = new Option<string>("--archs") { Description = "networks to compare, comma-separated", DefaultValueFactory = _ => string.Join(",", Architectures.Names.Reverse()) };
        var augs = new Option<string>("--aug") { Description = "augmentation modes to compare, comma-separated: paper, online, heavy, none", DefaultValueFactory = _ => "paper,none" };
        var offsets = new Option<bool>("--decision-offsets") { Description = "once every fold is trained, choose per-class decision offsets on the held-out predictions (each fold also scored with offsets chosen on the other folds) and write OUT/AUG/ARCH/decision-offsets.json for predict --decision-offsets" };
        var tta = CommonOptions.Tta();
        tta.Description = "once every fold is trained, also score each fold model's held-out slices with test-time augmentation: flips (the default when given alone) or dihedral; with --decision-offsets the offsets are chosen on those predictions too (for predict --tta NAME)";
        var runFolds = new Option<string?>("--run-folds") { Description = "train only these folds, 1-based and comma-separated (e.g. 1,2), so processes or machines sharing --out can split the work; finished folds are reported either way" };
        var command = new Command("cv", "Cross-validate networks on the same seeded folds, with and without augmentation, and write tables shaped like the paper's Tables I and II.");
        data.AddTo(command);
        model.AddTo(command, includeArch: false);
        training.AddTo(command);
        var selfTraining = new SelfTrainingCommandOptions();
        selfTraining.AddTo(command);
        command.Options.Add(RecipeArguments.Option());
        foreach (var o in new Option[] { output, folds, archs, augs, runFolds, offsets, tta }) command.Options.Add(o);
        command.SetHandler(parse =>
        {
            OutputFolder.Check(parse.GetValue(output)!.FullName);
            var trainingOptions = training.Build(parse);
            var prep = training.BuildPreprocessing(parse);
            var dataset = data.Open(parse, prep.Side, (int)trainingOptions.Seed);
            var archList = Split(parse.GetValue(archs)).Select(Architectures.Canonical).ToList();
            var plan = new CrossValidationPlan(
                parse.GetValue(folds),
                archList,
                Split(parse.GetValue(augs)).Select(TrainingCommandOptions.ParseAugmentation).ToList(),
                model.Build(parse, dataset.Labels.Count, archList.FirstOrDefault() ?? Architectures.UNetName),
                prep,
                trainingOptions,
                selfTraining.Build(parse),
                ParseFolds(parse.GetValue(runFolds)),
                parse.GetValue(offsets),
                CommonOptions.ParseTta(parse, tta));
            if (plan.Folds > dataset.Count)
                throw new CovidSegException($"--folds {plan.Folds} is more than the {dataset.Count} labelled slices of {dataset.Source}: every fold needs at least one");
            string outDir = parse.GetValue(output)!.FullName;
            AnsiConsole.MarkupLine(Markup.Escape($"cross-validating {string.Join(", ", plan.Archs)} x {string.Join(", ", plan.Augmentations)} on {dataset.Source} ({dataset.Count} slices, {plan.Folds} folds) -> {outDir}"));
            var clock = Stopwatch.StartNew();
            using var ctrlC = new CtrlC();
            string commandLine = "covidseg " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
            string markdown = "";
            void WriteTables(IReadOnlyList<FoldResult> soFar)
            {
                markdown = CrossValidationTables.Markdown(soFar, plan, commandLine, clock.Elapsed);
                AtomicFile.WriteAllText(Path.Combine(outDir, "results.md"), markdown);
                AtomicFile.WriteAllText(Path.Combine(outDir, "results.json"), CrossValidationTables.Json(soFar, plan));
            }
            // A rerun resumes: first remove the temporary files a killed run left behind.
            CrossValidation.RemoveLeftovers(plan, outDir);
            IReadOnlyList<FoldResult> results;
            try
            {
                results = CrossValidation.Run(dataset, plan, outDir, new ConsoleTrainingObserver(dataset.Labels), ctrlC.Token, WriteTables);
            }
            catch (OperationCanceledException e) when (ctrlC.Token.IsCancellationRequested)
            {
                Console.Error.WriteLine(e.Message);
                return ctrlC.ExitCode;
            }
            WriteTables(results);
            AnsiConsole.WriteLine(markdown);
            AnsiConsole.MarkupLine(Markup.Escape($"tables: {Path.Combine(outDir, "results.md")}; every fold: {Path.Combine(outDir, "results.json")}"));
            return CommandRunner.Success;
        });
        return command;
    }

    private static List<int>? ParseFolds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return Split(text).Select(part => int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int fold) && fold >= 1
            ? fold - 1
            : throw new CovidSegException($"--run-folds: '{part}' is not a fold number (1, 2, ...)")).Distinct().ToList();
    }

    private static List<string> Split(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
