namespace CovidSeg.Benchmarks;

/// <summary>Everything one <c>covidseg bench</c> run measured, in the order it ran; sections not run are empty.</summary>
public sealed record BenchmarkReport
{
    public required string Command { get; init; }
    public required MachineDescription Machine { get; init; }
    public required BenchmarkOptions Options { get; init; }
    public DateTimeOffset Started { get; init; }
    public TimeSpan Duration { get; init; }
    public double? LoadBefore { get; init; }
    public double? LoadAfter { get; init; }
    public IReadOnlyList<MatmulCeiling> Ceilings { get; init; } = [];
    /// <summary>What the cores could do at most (<see cref="TheoreticalPeak"/>); null where the clock or vector width is unreadable.</summary>
    public TheoreticalPeak? Peak { get; init; }
    public IReadOnlyList<TrainingStepRow> Training { get; init; } = [];
    public IReadOnlyList<InferenceRow> Inference { get; init; } = [];
    public VolumeRow? Volume { get; init; }
    public IReadOnlyList<AttentionRow> Attention { get; init; } = [];
    public IReadOnlyList<LayerCostProfile> Profiles { get; init; } = [];

    /// <summary>GFLOP/s of the matrix-product ceiling in a precision ("fp32", "bf16"), if measured.</summary>
    public double? CeilingGflops(string precision) => Ceilings.FirstOrDefault(c => c.Precision == precision)?.Gflops;

    /// <summary>Peak-memory ratio between two sides for one attention kind, when both were measured.</summary>
    public double? AttentionMemoryRatio(string kind, int fromSide, int toSide)
    {
        var from = Attention.FirstOrDefault(r => r.Kind == kind && r.Side == fromSide)?.PeakBytes;
        var to = Attention.FirstOrDefault(r => r.Kind == kind && r.Side == toSide)?.PeakBytes;
        return from is long f && to is long t && f > 0 ? (double)t / f : null;
    }

    /// <summary>Time ratio between two sides for one attention kind, when both were measured.</summary>
    public double? AttentionTimeRatio(string kind, int fromSide, int toSide)
    {
        var from = Attention.FirstOrDefault(r => r.Kind == kind && r.Side == fromSide)?.Seconds;
        var to = Attention.FirstOrDefault(r => r.Kind == kind && r.Side == toSide)?.Seconds;
        return from is { } f && to is { } t && f.Median > 0 ? t.Median / f.Median : null;
    }
}
