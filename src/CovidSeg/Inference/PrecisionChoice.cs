using static TorchSharp.torch;

namespace CovidSeg.Inference;

/// <summary>The precision inference runs in and why; recorded in every report.</summary>
/// <param name="Dtype">float32 or bfloat16: the type the weights are converted to and the input is cast to.</param>
/// <param name="Reason">One line saying how it was chosen (asked for, or what detection and measurement found).</param>
public sealed record PrecisionChoice(ScalarType Dtype, string Reason)
{
    public static PrecisionChoice Fp32Asked { get; } = new(ScalarType.Float32, "asked for with --precision fp32");
    /// <summary>What a caller that names no precision gets: the fp32 weights unchanged.</summary>
    public static PrecisionChoice AsTrained { get; } = new(ScalarType.Float32, "the weights as trained");

    /// <summary>"fp32" or "bf16".</summary>
    public string Name => Dtype == ScalarType.BFloat16 ? "bf16" : "fp32";

    /// <summary>"bf16 (auto: ...)" for a console line or a report.</summary>
    public string Describe() => $"{Name} ({Reason})";
}
