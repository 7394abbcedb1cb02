using System.Text.Json.Serialization;

namespace CovidSeg.Runs;

/// <summary>What <c>--precision</c> asks training to compute in; the weights, Adam's moments and checkpoints stay fp32.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrainingPrecision>))]
public enum TrainingPrecision
{
    /// <summary>float32 throughout: what every run before issue 16 did, and what a run.json without this field means.</summary>
    Fp32,
    /// <summary>bf16 where the CPU has bf16 instructions and bf16 products measure faster in this process, else fp32.</summary>
    Auto,
    /// <summary>Forward and backward passes in bf16 on a copy of the network, fp32 master weights, whatever the CPU.</summary>
    Bf16,
}
