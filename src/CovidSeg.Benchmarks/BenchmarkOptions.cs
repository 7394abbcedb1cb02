using CovidSeg.Models;

namespace CovidSeg.Benchmarks;

/// <summary>Parts of <c>covidseg bench</c> that can be run alone.</summary>
[Flags]
public enum BenchmarkSections
{
    None = 0,
    Ceiling = 1,
    Training = 2,
    Inference = 4,
    Volume = 8,
    Attention = 16,
    Profile = 32,
    All = Ceiling | Training | Inference | Volume | Attention | Profile,
}

/// <summary>
/// What <c>covidseg bench</c> measures. The defaults are issue 6's protocol: every network at width 16 (3 classes,
/// batch norm), training steps at 256 and 369 px with batch 4, inference on 512 x 512 slices at batch 1 and 8, a
/// 512 x 512 x 100 volume end to end with the full model at the paper's side, and attention at 64² to 256² positions.
/// <see cref="Quick"/> shrinks every size so the whole suite runs in seconds (tests, a smoke check).
/// </summary>
public sealed record BenchmarkOptions
{
    public BenchmarkSections Sections { get; init; } = BenchmarkSections.All;
    /// <summary>Timed runs per row after the warm-up; rows quote their median.</summary>
    public int Runs { get; init; } = 5;
    public IReadOnlyList<string> Archs { get; init; } = Architectures.Names;
    /// <summary>Largest matrix side the ceiling tries (<see cref="MatmulCeilingBenchmark"/>).</summary>
    public int CeilingMaxSize { get; init; } = 2048;
    public int Width { get; init; } = 16;
    public int Classes { get; init; } = 3;
    public IReadOnlyList<int> TrainingSizes { get; init; } = [256, 369];
    public int TrainingBatch { get; init; } = 4;
    public int InferenceSize { get; init; } = 512;
    public IReadOnlyList<int> InferenceBatches { get; init; } = [1, 8];
    public string VolumeArch { get; init; } = Architectures.ResidualAttentionUNetName;
    public (int X, int Y, int Z) VolumeShape { get; init; } = (512, 512, 100);
    public int VolumeSide { get; init; } = Data.PreprocessingOptions.PaperSide;
    public int VolumeBatch { get; init; } = Inference.Segmenter.DefaultBatchSize;
    /// <summary>End-to-end runs take tens of seconds each, so they get fewer repetitions.</summary>
    public int VolumeRuns { get; init; } = 3;
    public IReadOnlyList<int> AttentionSides { get; init; } = [64, 128, 184, 256];
    /// <summary>Channels of the attention input: the second-deepest decoder level of a width-16 network.</summary>
    public int AttentionChannels { get; init; } = 64;
    /// <summary>Networks whose time is split by layer kind (<see cref="LayerCostProfiler"/>) for a training step at the
    /// first training size and for inference at the inference size, batch 1.</summary>
    public IReadOnlyList<string> ProfileArchs { get; init; } = [Architectures.UNetName, Architectures.ResidualAttentionUNetName];
    /// <summary>Where the volume benchmark writes its NIfTI files (deleted afterwards).</summary>
    public string WorkFolder { get; init; } = Path.Combine(Path.GetTempPath(), $"covidseg-bench-{Environment.ProcessId}");

    /// <summary>The same protocol at toy sizes: seconds instead of minutes, for tests and a smoke check.</summary>
    public static BenchmarkOptions Quick { get; } = new()
    {
        Runs = 2,
        CeilingMaxSize = 512,
        TrainingSizes = [32],
        TrainingBatch = 2,
        InferenceSize = 48,
        InferenceBatches = [1, 2],
        VolumeShape = (64, 64, 4),
        VolumeSide = 32,
        VolumeBatch = 2,
        VolumeRuns = 2,
        AttentionSides = [8, 16],
        AttentionChannels = 8,
        ProfileArchs = [Architectures.ResidualAttentionUNetName],
    };

    public ModelOptions Model(string arch) => new() { Arch = arch, BaseWidth = Width, Classes = Classes };

    public void Validate()
    {
        if (Runs < 1 || VolumeRuns < 1) throw new CovidSegException($"runs must be at least 1, got {Runs} and {VolumeRuns}");
        foreach (string arch in Archs.Append(VolumeArch).Concat(ProfileArchs))
            if (Architectures.TryFind(arch) is null)
                throw new CovidSegException($"unknown network '{arch}'; choose from {Architectures.Listing()}");
    }
}
