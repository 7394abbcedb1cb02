using System.Globalization;
using CovidSeg.Runtime;
using static TorchSharp.torch;

namespace CovidSeg.Inference;

/// <summary>
/// Turns <c>--precision</c> into a <see cref="PrecisionChoice"/>. Auto takes bf16 only where the CPU has bf16
/// instructions (AVX-512 BF16 or AMX, from /proc/cpuinfo) and <see cref="Bf16SpeedProbe"/> finds bf16 products at
/// least <see cref="MinSpeedup"/> times faster than fp32 ones; otherwise fp32. The weights stay fp32 on disk.
/// </summary>
public static class PrecisionChooser
{
    /// <summary>bf16 must win by this much to be chosen: a smaller gain is within the noise of a shared machine and
    /// does not pay for the rounding (bf16 keeps 8 bits of mantissa).</summary>
    public const double MinSpeedup = 1.25;

    public static PrecisionChoice Choose(ComputePrecision asked) => asked switch
    {
        ComputePrecision.Fp32 => PrecisionChoice.Fp32Asked,
        ComputePrecision.Bf16 => new PrecisionChoice(ScalarType.BFloat16, "asked for with --precision bf16"),
        _ => Decide(TorchRuntime.Describe().Bf16, () => Bf16SpeedProbe.Measured),
    };

    /// <summary>The auto rule; <paramref name="measure"/> is called only when the CPU has bf16 instructions.</summary>
    public static PrecisionChoice Decide(bool cpuHasBf16, Func<Bf16Speed> measure)
    {
        if (!cpuHasBf16) return new PrecisionChoice(ScalarType.Float32, "auto: this CPU has no bf16 instructions");
        var speed = measure();
        string measured = $"bf16 {speed.Size}² products {F(speed.Speedup)}x the speed of fp32 here";
        return speed.Speedup >= MinSpeedup
            ? new PrecisionChoice(ScalarType.BFloat16, $"auto: bf16 instructions, {measured}")
            : new PrecisionChoice(ScalarType.Float32, $"auto: bf16 instructions, but {measured} (bf16 needs {F(MinSpeedup)}x)");
    }

    /// <summary>Parses auto, fp32 or bf16 (any case).</summary>
    public static ComputePrecision Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => ComputePrecision.Auto,
        "fp32" or "float32" => ComputePrecision.Fp32,
        "bf16" or "bfloat16" => ComputePrecision.Bf16,
        _ => throw new CovidSegException($"--precision must be auto, fp32 or bf16, got '{text}'"),
    };

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
