using System.Text.Json;
using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.IO;
using CovidSeg.Models;
using CovidSeg.Labels;

namespace CovidSeg.Runs;

/// <summary>Which slices a run trained and validated on, and a fingerprint of their pixels.</summary>
public sealed record RunData(string Source, string Fingerprint, IReadOnlyList<string> TrainIds, IReadOnlyList<string> ValidationIds);

/// <summary>Where training stands: whole epochs done, and (after Ctrl-C) how far into the next one.</summary>
public sealed record RunProgress
{
    public int CompletedEpochs { get; init; }
    /// <summary>Optimizer steps already taken in epoch <see cref="CompletedEpochs"/> (non-zero only after an interruption).</summary>
    public int StepsIntoEpoch { get; init; }
    public double PartialLossSum { get; init; }
    public int PartialImages { get; init; }
    public bool Finished { get; init; }
    public bool StoppedEarly { get; init; }
}

/// <summary>
/// RUN_DIR/run.json: everything needed to rebuild, resume or apply a trained network — architecture and options,
/// label set, preprocessing, training options and seed, the data it saw, its history and metrics — and which
/// checkpoint folders hold the weights. It is the commit point of a checkpoint: it is rewritten atomically only after
/// the weights it names are complete on disk.
/// </summary>
public sealed record RunManifest
{
    public const string CurrentFormat = "covidseg-run/2";
    public const string FileName = "run.json";

    public string Format { get; init; } = CurrentFormat;
    public required string CovidSegVersion { get; init; }
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset Updated { get; init; }
    public required ModelOptions Model { get; init; }
    public required LabelSet Labels { get; init; }
    public required PreprocessingOptions Preprocessing { get; init; }
    public required TrainingOptions Training { get; init; }
    public AugmentationMode Augmentation { get; init; }
    public required RunData Data { get; init; }
    public RunProgress Progress { get; init; } = new();
    /// <summary>Checkpoint folder (relative to the run folder) of the latest state, for --resume.</summary>
    public string? LastCheckpoint { get; init; }
    /// <summary>Checkpoint folder with the best validation lesion Dice so far (pixels pooled over the validation
    /// images), which predict uses.</summary>
    public string? BestCheckpoint { get; init; }
    public int? BestEpoch { get; init; }
    /// <summary>
    /// Checkpoint folder holding the weights averaged over the last <see cref="TrainingOptions.AverageLastEpochs"/>
    /// epochs, written when training finishes; when set, it is the run's model (predict and cross-validation use it).
    /// </summary>
    public string? AveragedCheckpoint { get; init; }
    /// <summary>The weights training ended with: the average of the last epochs when the run averaged, else the last epoch's.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? FinalCheckpoint => AveragedCheckpoint ?? LastCheckpoint;
    public double? BestLesionDice { get; init; }
    public IReadOnlyList<EpochRecord> History { get; init; } = [];
    /// <summary>The training precision of the latest session and why ("bf16 (auto: ...)"); null before issue 16.</summary>
    public string? Precision { get; init; }

    public void Save(string runDirectory) =>
        AtomicFile.WriteAllText(Path.Combine(runDirectory, FileName), JsonConvention.Serialize(this, Format));

    /// <summary>Reads RUN_DIR/run.json (or a path to the file itself) with a clear error when it is not a CovidSeg run.</summary>
    public static RunManifest Load(string runDirectoryOrFile)
    {
        string path = Directory.Exists(runDirectoryOrFile) ? Path.Combine(runDirectoryOrFile, FileName) : runDirectoryOrFile;
        if (!File.Exists(path))
            throw new InvalidInputException(runDirectoryOrFile, $"not a CovidSeg run folder: {FileName} is missing (train one with `covidseg train`)");
        RunManifest? manifest;
        try
        {
            manifest = JsonConvention.Deserialize<RunManifest>(File.ReadAllText(path), CurrentFormat, (root, _) => RunManifestUpgrade.Apply(root));
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            throw new InvalidInputException(path, $"not a readable CovidSeg run description ({e.Message})");
        }
        if (manifest is null || manifest.Format != CurrentFormat)
            throw new InvalidInputException(path, $"unknown run format '{manifest?.Format}', expected '{CurrentFormat}'");
        return manifest;
    }
}
