using CovidSeg.Models;
using static TorchSharp.torch;

namespace CovidSeg.Benchmarks;

/// <summary>
/// Runs the sections of <see cref="BenchmarkOptions"/> one after the other in this process (never two measurements
/// at once: on a 2-core machine they would slow each other) and collects a <see cref="BenchmarkReport"/>.
/// </summary>
public static class BenchmarkSuite
{
    /// <summary>bf16 network rows run only where bf16 products are at least this fraction of fp32's speed; below it
    /// they would take minutes per slice and answer nothing the ceiling does not already say.</summary>
    public const double ReducedPrecisionMinSpeedRatio = 0.5;

    public static BenchmarkReport Run(BenchmarkOptions options, string command, Action<string>? progress = null)
    {
        options.Validate();
        progress ??= _ => { };
        var started = DateTimeOffset.UtcNow;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double? loadBefore = MachineDescription.LoadAverage();
        var sections = options.Sections;

        var ceilings = new List<MatmulCeiling>();
        // Training measures its bf16 rows only where bf16 products are fast, so it needs the ceilings too.
        if (sections.HasFlag(BenchmarkSections.Ceiling) || sections.HasFlag(BenchmarkSections.Inference) || sections.HasFlag(BenchmarkSections.Training))
        {
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
            {
                progress($"ceiling: {MatmulCeilingBenchmark.Name(dtype)} matrix product");
                ceilings.Add(MatmulCeilingBenchmark.Measure(dtype, options.Runs, maxSize: options.CeilingMaxSize));
            }
        }
        string? bf16Skip = ceilings.Count == 0 ? null : Bf16SkipReason(ceilings);

        var training = new List<TrainingStepRow>();
        if (sections.HasFlag(BenchmarkSections.Training))
        {
            foreach (int size in options.TrainingSizes)
                foreach (string arch in options.Archs)
                {
                    progress($"training step: {arch} at {size} x {size}, batch {options.TrainingBatch}");
                    training.Add(TrainingStepBenchmark.Measure(options.Model(arch), size, options.TrainingBatch, options.Runs));
                }
            // Mixed precision at the first size only: enough to compare with fp32 and between networks.
            int bf16Size = options.TrainingSizes[0];
            foreach (string arch in options.Archs)
            {
                if (bf16Skip is null) progress($"training step: {arch} at {bf16Size} x {bf16Size}, batch {options.TrainingBatch}, bf16");
                training.Add(TrainingStepBenchmark.Measure(options.Model(arch), bf16Size, options.TrainingBatch, options.Runs, bf16: true, skipReason: bf16Skip));
            }
        }

        var inference = new List<InferenceRow>();
        if (sections.HasFlag(BenchmarkSections.Inference))
        {
            foreach (string arch in options.Archs)
                inference.AddRange(InferenceBenchmark.Measure(options.Model(arch), options.InferenceSize, options.InferenceBatches,
                    [(ScalarType.Float32, null), (ScalarType.BFloat16, bf16Skip)], options.Runs, progress));
        }

        VolumeRow? volume = null;
        if (sections.HasFlag(BenchmarkSections.Volume))
        {
            var (x, y, z) = options.VolumeShape;
            progress($"volume: {x} x {y} x {z} NIfTI through predict with {options.VolumeArch} at side {options.VolumeSide}");
            volume = VolumeBenchmark.Measure(options.Model(options.VolumeArch), x, y, z, options.VolumeSide, options.VolumeBatch,
                options.VolumeRuns, options.WorkFolder);
        }

        var attention = new List<AttentionRow>();
        if (sections.HasFlag(BenchmarkSections.Attention))
        {
            using var lsh = new LshAttention2d("lsh", options.AttentionChannels, new LshAttentionOptions());
            using var full = new FullSelfAttention2d("full", options.AttentionChannels);
            foreach (int side in options.AttentionSides)
                foreach (SharedQkSelfAttention2d block in new SharedQkSelfAttention2d[] { lsh, full })
                {
                    progress($"attention: {(block is LshAttention2d ? "LSH" : "full")} at {side} x {side} positions");
                    attention.Add(AttentionScalingBenchmark.Measure(block, side, options.Runs, MachineDescription.AvailableBytes()));
                }
        }

        var profiles = new List<LayerCostProfile>();
        if (sections.HasFlag(BenchmarkSections.Profile))
        {
            int trainingSize = options.TrainingSizes[0];
            foreach (string arch in options.ProfileArchs)
            {
                progress($"profile: {arch} training step at {trainingSize} x {trainingSize}, layer by layer");
                profiles.Add(LayerCostProfiler.Measure(options.Model(arch), trainingSize, options.TrainingBatch, training: true, options.Runs));
            }
            foreach (string arch in options.ProfileArchs)
            {
                progress($"profile: {arch} inference at {options.InferenceSize} x {options.InferenceSize}, layer by layer");
                profiles.Add(LayerCostProfiler.Measure(options.Model(arch), options.InferenceSize, 1, training: false, options.Runs));
            }
        }

        return new BenchmarkReport
        {
            Command = command,
            Machine = MachineDescription.Read(),
            Options = options,
            Started = started,
            Duration = clock.Elapsed,
            LoadBefore = loadBefore,
            LoadAfter = MachineDescription.LoadAverage(),
            Ceilings = ceilings,
            Peak = TheoreticalPeak.Read(get_num_threads(), Runtime.TorchRuntime.Describe().Bf16),
            Training = training,
            Inference = inference,
            Volume = volume,
            Attention = attention,
            Profiles = profiles,
        };
    }

    /// <summary>Why bf16 network rows are not run here, or null when bf16 products are fast enough to be worth timing.</summary>
    private static string? Bf16SkipReason(IReadOnlyList<MatmulCeiling> ceilings)
    {
        double fp32 = ceilings.First(c => c.Precision == "fp32").Gflops;
        double bf16 = ceilings.First(c => c.Precision == "bf16").Gflops;
        return bf16 < ReducedPrecisionMinSpeedRatio * fp32 ? $"skipped: bf16 products {fp32 / bf16:0}x slower than fp32 here" : null;
    }
}
