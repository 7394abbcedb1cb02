using System.CommandLine;
using CovidSeg.Data;
using CovidSeg.IO;
using CovidSeg.Models;
using CovidSeg.Training;
using CovidSeg.Training.SemiSupervised;
using Spectre.Console;
using CovidSeg.Labels;
using CovidSeg.Runs;

namespace CovidSeg.Cli.Commands;

/// <summary><c>covidseg train</c>: trains one network on a data folder (or the phantom) into a run folder.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var data = new DataCommandOptions();
        var model = new ModelCommandOptions();
        var training = new TrainingCommandOptions();
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "run folder: weights, run.json, log.csv, learning-curve.png", Required = true };
        var augmentation = new Option<string>("--aug") { Description = "augmentation of the training slices: paper (x6: rotations 90/180/270, scales 0.5/1.5), online (random: quarter turns, mirror, scale, contrast), heavy (random, wider: also free rotation, elastic, gamma, noise, blur, coarser resolution) or none", DefaultValueFactory = _ => "paper" };
        var valFraction = new Option<double>("--val-fraction") { Description = "share of slices held out for validation (ignored with --folds); 0 = train on every slice, no validation, keep the last epoch", DefaultValueFactory = _ => 0.2 };
        var folds = new Option<int>("--folds") { Description = "split into K seeded folds and validate on --fold (0 = use --val-fraction)", DefaultValueFactory = _ => 0 };
        var fold = new Option<int>("--fold") { Description = "which fold (0-based) validates when --folds is given", DefaultValueFactory = _ => 0 };
        var resume = new Option<bool>("--resume") { Description = "continue the run in --out where it stopped (its own options and split are used)" };
        var command = new Command("train", "Train a segmentation network (Adam, cross-entropy) and keep the best checkpoint by validation lesion Dice.");
        data.AddTo(command);
        model.AddTo(command);
        training.AddTo(command);
        var selfTraining = new SelfTrainingCommandOptions();
        selfTraining.AddTo(command);
        command.Options.Add(RecipeArguments.Option());
        foreach (var o in new Option[] { output, augmentation, valFraction, folds, fold, resume }) command.Options.Add(o);
        command.SetHandler(parse =>
        {
            string runDir = parse.GetValue(output)!.FullName;
            OutputFolder.Check(runDir);
            var trainingOptions = training.Build(parse);
            var prep = training.BuildPreprocessing(parse);
            var selfTrainingPlan = selfTraining.Build(parse);
            // Parsed before anything is read or written, so a misspelt name leaves no split.json behind.
            var augmentationMode = TrainingCommandOptions.ParseAugmentation(parse.GetValue(augmentation) ?? "paper");
            if (parse.GetValue(resume) && selfTrainingPlan is null) return Resume(parse, runDir, data, model, training);
            var dataset = data.Open(parse, prep.Side, (int)trainingOptions.Seed);
            var modelOptions = model.Build(parse, dataset.Labels.Count);
            var split = ChooseSplit(dataset, parse.GetValue(folds), parse.GetValue(fold), parse.GetValue(valFraction), (int)trainingOptions.Seed);
            bool started = File.Exists(Path.Combine(runDir, RunManifest.FileName)) || File.Exists(Path.Combine(runDir, TeacherFolder, RunManifest.FileName));
            if (started && !(selfTrainingPlan is not null && parse.GetValue(resume)))
                throw new CovidSegException($"{runDir} already holds a training run; pass --resume to continue it, or choose another output folder");
            split.Save(Path.Combine(runDir, "split.json"));
            var (trainIdx, valIdx) = split.IndicesIn(dataset);
            var request = new TrainingRequest(dataset, trainIdx, valIdx, modelOptions, prep,
                augmentationMode, trainingOptions, runDir);
            if (selfTrainingPlan is not null)
            {
                AnsiConsole.MarkupLine(Markup.Escape($"self-training {modelOptions.Arch} on {dataset.Source} ({trainIdx.Length} training, {valIdx.Length} validation slices) and {selfTrainingPlan.Unlabelled.Count} unlabelled slices of {selfTrainingPlan.Unlabelled.Source}: teacher -> {Path.Combine(runDir, TeacherFolder)}, student -> {runDir}"));
                var teacher = request with { RunDirectory = Path.Combine(runDir, TeacherFolder) };
                return Train(dataset.Labels, request, (observer, token) =>
                    SelfTraining.Run(new SelfTrainingRequest(teacher, selfTrainingPlan.Unlabelled, selfTrainingPlan.Options, runDir), observer, token));
            }
            AnsiConsole.MarkupLine(Markup.Escape($"training {modelOptions.Arch} on {dataset.Source}: {trainIdx.Length} training, {valIdx.Length} validation slices -> {runDir}"));
            return Train(request, dataset.Labels);
        });
        return command;
    }

    /// <summary>
    /// Continues the run in <paramref name="runDir"/> with its own options, split and data (the folder run.json
    /// records, unless --data is given again). An option that would change the run (--epochs, --arch) is refused
    /// rather than silently ignored.
    /// </summary>
    private static int Resume(ParseResult parse, string runDir, DataCommandOptions data, ModelCommandOptions model, TrainingCommandOptions training)
    {
        var run = RunManifest.Load(runDir);
        RefuseChange(parse, training.Epochs, run.Training.Epochs, "start a new run to train for longer, or omit --epochs");
        RefuseChange(parse, model.Arch, run.Model.Arch, "omit --arch", Architectures.Canonical);
        AtomicFile.RemoveLeftovers(runDir);
        AtomicFile.RemoveLeftovers(Path.Combine(runDir, "checkpoints"));
        var dataset = data.OpenForResume(parse, run);
        var request = new TrainingRequest(dataset, [], [], run.Model, run.Preprocessing, run.Augmentation,
            run.Training, runDir, ResumeRun: true);
        AnsiConsole.MarkupLine(Markup.Escape(ResumeBanner(run, dataset.Source, runDir)));
        return Train(request, dataset.Labels);
    }

    /// <summary>The first line of a resumed run: the run's own network and split, not the command line's defaults.</summary>
    public static string ResumeBanner(RunManifest run, string source, string runDir) =>
        $"resuming {run.Model.Arch} on {source}: {run.Data.TrainIds.Count} training, {run.Data.ValidationIds.Count} validation slices -> {runDir}";

    /// <param name="sameAs">Maps a given value to the one the run would record (an old architecture name to its new one).</param>
    private static void RefuseChange<T>(ParseResult parse, Option<T> option, T recorded, string advice, Func<T, T>? sameAs = null)
    {
        if (parse.GetResult(option) is not { Implicit: false }) return;
        var given = parse.GetValue(option);
        if (EqualityComparer<T>.Default.Equals(sameAs is null || given is null ? given : sameAs(given), recorded)) return;
        throw new CovidSegException($"{option.Name} {given}: the run was started with {option.Name} {recorded}, and --resume continues it with its own options; {advice}");
    }

    /// <summary>Where a self-training run keeps its teacher, inside the run folder (the student is the run itself).</summary>
    public const string TeacherFolder = "teacher";

    private static int Train(TrainingRequest request, LabelSet labels) =>
        Train(labels, request, (observer, token) => Trainer.Run(request, observer, token));

    private static int Train(LabelSet labels, TrainingRequest request, Func<ITrainingObserver, CancellationToken, TrainingResult> run)
    {
        using var ctrlC = new CtrlC();
        TrainingResult result;
        try
        {
            result = run(new ConsoleTrainingObserver(labels), ctrlC.Token);
        }
        catch (OperationCanceledException e) when (ctrlC.Token.IsCancellationRequested)
        {
            Console.Error.WriteLine($"interrupted while pseudo-labelling ({e.Message}); run the same command with --resume to continue");
            return ctrlC.ExitCode;
        }
        if (result.Interrupted) return ctrlC.ExitCode;
        var m = result.Manifest;
        AnsiConsole.MarkupLine(Markup.Escape(m.Data.ValidationIds.Count == 0
            ? $"done: {m.Progress.CompletedEpochs} epochs on every slice, no validation; the last epoch's weights are kept; run folder {request.RunDirectory}"
            : $"done: {m.Progress.CompletedEpochs} epochs; best validation lesion Dice (pooled pixels) {m.BestLesionDice:F3} at epoch {m.BestEpoch}; run folder {request.RunDirectory}"));
        return CommandRunner.Success;
    }

    internal static DataSplit ChooseSplit(ISegmentationDataset dataset, int folds, int fold, double valFraction, int seed)
    {
        var ids = dataset.AllIds();
        if (folds != 0)
        {
            if (folds < 2) throw new CovidSegException($"--folds must be at least 2 (or 0 to split by --val-fraction), got {folds}");
            if (folds > ids.Count) throw new CovidSegException($"--folds {folds} is more than the {ids.Count} labelled slices of {dataset.Source}: every fold needs at least one");
            if (fold < 0 || fold >= folds) throw new CovidSegException($"--fold must be 0..{folds - 1}, got {fold}");
            return KFoldSplit.Create(ids, folds, seed).Fold(fold);
        }
        // Written so that NaN fails too.
        if (!(valFraction >= 0 && valFraction < 1)) throw new CovidSegException($"--val-fraction must be in [0, 1), got {valFraction}");
        if (valFraction == 0) return DataSplit.AllTraining(ids, seed);
        if (ids.Count < 2)
            throw new CovidSegException($"{dataset.Source} holds {ids.Count} labelled slice: a validation split needs at least 2; pass --val-fraction 0 to train on it without validation");
        return DataSplit.ByFraction(ids, valFraction, seed);
    }
}
