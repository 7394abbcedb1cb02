using CovidSeg.Inference;
using CovidSeg.Runs;
using CovidSeg.Runtime;
using static TorchSharp.torch;

namespace CovidSeg.Training;

/// <summary>
/// Turns a run's <see cref="ComputePrecision"/> into the precision its steps compute in, by the rule inference uses
/// (<see cref="PrecisionChooser.Decide"/>): auto takes bf16 only where the CPU has bf16 instructions and bf16 products
/// measure at least <see cref="PrecisionChooser.MinSpeedup"/> times as fast as fp32 ones in this process. Without the
/// instructions bf16 is about 90x slower, so an AVX2-only machine always trains in fp32.
/// </summary>
public static class TrainingPrecisionChooser
{
    public static PrecisionChoice Choose(ComputePrecision asked) => Choose(asked, TorchRuntime.Describe().Bf16, () => Bf16SpeedProbe.Measured);

    /// <summary>The rule with the CPU's answer given; <paramref name="measure"/> runs only for auto on a CPU with bf16.</summary>
    public static PrecisionChoice Choose(ComputePrecision asked, bool cpuHasBf16, Func<Bf16Speed> measure) => asked switch
    {
        ComputePrecision.Fp32 => new PrecisionChoice(ScalarType.Float32, "asked for: precision fp32"),
        ComputePrecision.Bf16 => new PrecisionChoice(ScalarType.BFloat16, "asked for: precision bf16; fp32 master weights"),
        _ => PrecisionChooser.Decide(cpuHasBf16, measure),
    };

    /// <summary>
    /// For auto on resume: the precision the run has trained in so far (<paramref name="recorded"/>, run.json's
    /// "fp32 (...)" or "bf16 (...)"), so one run keeps one precision and a resumed run reaches the weights an
    /// uninterrupted one would; null when nothing is recorded, or bf16 was but this CPU lacks the instructions.
    /// </summary>
    public static PrecisionChoice? Continuing(string? recorded, bool cpuHasBf16) => recorded switch
    {
        null => null,
        _ when recorded.StartsWith("fp32", StringComparison.Ordinal) => new PrecisionChoice(ScalarType.Float32, "auto: the run has trained in fp32 so far"),
        _ when recorded.StartsWith("bf16", StringComparison.Ordinal) && cpuHasBf16 => new PrecisionChoice(ScalarType.BFloat16, "auto: the run has trained in bf16 so far"),
        _ => null,
    };

}
