namespace CovidSeg.Inference;

/// <summary>What <c>covidseg predict --precision</c> asks for.</summary>
public enum InferencePrecision
{
    /// <summary>bf16 where the CPU has bf16 instructions and bf16 products measure faster here, else fp32 (<see cref="PrecisionChooser"/>).</summary>
    Auto,
    /// <summary>float32 throughout: the weights as trained.</summary>
    Fp32,
    /// <summary>The fp32 weights converted to bfloat16 for the forward pass, whatever the CPU (slow without bf16 instructions).</summary>
    Bf16,
}
