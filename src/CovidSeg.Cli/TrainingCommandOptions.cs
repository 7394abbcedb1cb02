using System.CommandLine;
using System.Globalization;
using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Inference;
using CovidSeg.Training;
using CovidSeg.Runs;

namespace CovidSeg.Cli;

/// <summary>The training options shared by train, cv and demo, with the paper's defaults.</summary>
public sealed class TrainingCommandOptions
{
    private static readonly TrainingOptions Defaults = new();

    public Option<int> Epochs { get; } = new("--epochs") { Description = "passes over the training set (the paper: 100)", DefaultValueFactory = _ => Defaults.Epochs };
    public Option<int> Batch { get; } = new("--batch") { Description = "slices per optimizer step", DefaultValueFactory = _ => Defaults.BatchSize };
    public Option<int> Side { get; } = new("--side") { Description = "slices are resized to side x side (the paper: 369)", DefaultValueFactory = _ => PreprocessingOptions.PaperSide };
    public Option<double> LearningRate { get; } = new("--lr") { Description = "Adam learning rate (Adam's default: 0.001)", DefaultValueFactory = _ => Defaults.LearningRate };
    public Option<string> Loss { get; } = new("--loss") { Description = "ce (multi-class cross-entropy, the paper's) or dice-ce (cross-entropy + soft Dice, as nnU-Net)", DefaultValueFactory = _ => "ce" };
    public Option<string?> ClassWeights { get; } = new("--class-weights") { Description = "cross-entropy weight per class, comma-separated, background first (e.g. 1,2,2)" };
    public Option<string> Schedule { get; } = new("--schedule") { Description = "learning-rate schedule: constant (the paper), cosine or poly", DefaultValueFactory = _ => "constant" };
    public Option<int> EarlyStop { get; } = new("--early-stop") { Description = "stop after this many epochs without a validation lesion-Dice gain; 0 = off", DefaultValueFactory = _ => 0 };
    public Option<string> AverageLast { get; } = new("--average-last") { Description = "average the weights of the last N epochs, or of the last P% of them (e.g. 25%): stochastic weight averaging over the schedule's tail; the average becomes the run's model, and cv also reports the last epoch's scores beside it; 0 = off", DefaultValueFactory = _ => "0" };
    public Option<int> Seed { get; } = CommonOptions.Seed();
    public Option<int> Threads { get; } = CommonOptions.Threads();
    // fp32 by default so earlier runs' numbers stand; bf16 matched fp32 in 5-fold cross-validation (docs/benchmarks.md,
    // "Mixed-precision training") and --precision auto takes it where it pays.
    public Option<string> Precision { get; } = new("--precision") { Description = "compute precision of the training steps: fp32; bf16 (bf16 passes, fp32 master weights and Adam; layers whose bf16 kernels are wrong on this CPU stay fp32; fast only on CPUs with bf16 instructions); auto (bf16 only with bf16 instructions, a measured 1.25x faster step and a first-step gradient close to fp32's). Checkpoints stay fp32", DefaultValueFactory = _ => "fp32" };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Epochs, Batch, Side, LearningRate, Loss, ClassWeights, Schedule, EarlyStop, AverageLast, Seed, Threads, Precision })
            command.Options.Add(o);
    }

    public TrainingOptions Build(ParseResult parse)
    {
        var options = Defaults with
        {
            Epochs = parse.GetValue(Epochs),
            BatchSize = parse.GetValue(Batch),
            LearningRate = parse.GetValue(LearningRate),
            Loss = ParseLoss(parse.GetValue(Loss) ?? "ce"),
            ClassWeights = ParseWeights(parse.GetValue(ClassWeights)),
            Schedule = ParseSchedule(parse.GetValue(Schedule) ?? "constant"),
            EarlyStoppingPatience = parse.GetValue(EarlyStop),
            AverageLastEpochs = ParseEpochsToAverage(parse.GetValue(AverageLast) ?? "0", parse.GetValue(Epochs)),
            Seed = parse.GetValue(Seed),
            Threads = parse.GetValue(Threads),
            Precision = PrecisionChooser.Parse(parse.GetValue(Precision) ?? "fp32"),
        };
        options.Validate();
        // Checked here as well as when libtorch is configured, so a bad value fails before the data is read.
        CovidSeg.Runtime.TorchRuntime.CheckThreads(options.Threads);
        return options;
    }

    public PreprocessingOptions BuildPreprocessing(ParseResult parse) => new PreprocessingOptions(Side: parse.GetValue(Side)).Validate();

    public static AugmentationMode ParseAugmentation(string text) => text.ToLowerInvariant() switch
    {
        "paper" => AugmentationMode.Paper,
        "online" => AugmentationMode.Online,
        "heavy" => AugmentationMode.Heavy,
        "none" => AugmentationMode.None,
        _ => throw new CovidSegException($"unknown augmentation '{text}': use paper (x6 offline: rotations and scales), online (random), heavy (random, nnU-Net's wider family) or none"),
    };

    public static string Name(AugmentationMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>"30" epochs, or "25%" of <paramref name="epochs"/> (rounded, at least 1), so a recipe's share survives a changed --epochs.</summary>
    public static int ParseEpochsToAverage(string text, int epochs)
    {
        string trimmed = text.Trim();
        bool share = trimmed.EndsWith('%');
        string number = share ? trimmed[..^1] : trimmed;
        if (share && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double percent) && percent is >= 0 and <= 100)
            return WeightAverage.EpochsFor(percent / 100, epochs);
        if (!share && int.TryParse(number, NumberStyles.Integer, CultureInfo.InvariantCulture, out int count)) return count;
        throw new CovidSegException($"--average-last: '{text}' is neither a number of epochs nor a share of them such as 25%");
    }

    private static LossKind ParseLoss(string text) => text.ToLowerInvariant() switch
    {
        "ce" => LossKind.CrossEntropy,
        "dice-ce" => LossKind.DiceCrossEntropy,
        _ => throw new CovidSegException($"unknown loss '{text}': use ce or dice-ce"),
    };

    private static LearningRateScheduleKind ParseSchedule(string text) => text.ToLowerInvariant() switch
    {
        "constant" => LearningRateScheduleKind.Constant,
        "cosine" => LearningRateScheduleKind.Cosine,
        "poly" => LearningRateScheduleKind.Poly,
        _ => throw new CovidSegException($"unknown schedule '{text}': use constant, cosine or poly"),
    };

    private static double[]? ParseWeights(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return text.Split(',', StringSplitOptions.TrimEntries).Select(part =>
            double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double w) ? w
                : throw new CovidSegException($"--class-weights: '{part}' is not a number")).ToArray();
    }
}
