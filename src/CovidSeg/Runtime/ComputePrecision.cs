using System.Text.Json.Serialization;

namespace CovidSeg.Runtime;

/// <summary>
/// What <c>--precision</c> asks a command to compute in (predict, train, cv, the worker). Weights, Adam's moments and
/// checkpoints stay fp32 whatever is chosen; run.json records training's choice by name.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ComputePrecision>))]
public enum ComputePrecision
{
    /// <summary>float32 throughout: the weights as trained, and what a run.json without this field means.</summary>
    Fp32,
    /// <summary>
    /// bf16 only where the CPU has bf16 instructions and bf16 measures faster in this process, else fp32
    /// (<see cref="Inference.PrecisionChooser"/>; training also checks the first step's gradient against fp32's).
    /// </summary>
    Auto,
    /// <summary>bfloat16 forward passes (and, in training, backward passes on a bf16 copy with fp32 master weights), whatever the CPU.</summary>
    Bf16,
}
