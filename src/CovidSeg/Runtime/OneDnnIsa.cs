using System.Runtime.Intrinsics.X86;

namespace CovidSeg.Runtime;

/// <summary>
/// Which instruction set oneDNN, the convolution library inside libtorch, uses in this process. CovidSeg does not cap
/// it: capping at AVX2 removed the NaN gradients seen with AVX-512 only for networks whose channel counts are
/// multiples of 8, made a U-Net training step about 2x slower and bf16 products 300x slower. Wrong oneDNN gradients are
/// caught per network instead (<see cref="BackwardKernelChoice"/>). oneDNN reads ONEDNN_MAX_CPU_ISA once, at its
/// first kernel; a value the user set is reported.
/// </summary>
public static class OneDnnIsa
{
    public const string Variable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>The user's cap, or null when oneDNN takes the widest set the CPU has.</summary>
    public static string? UserCap => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } v ? v : null;

    /// <summary>The widest set oneDNN can use on this CPU.</summary>
    public static string CpuBest(bool bf16) =>
        Avx512F.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512F.VL.IsSupported
            ? bf16 ? "AVX-512 with bf16" : "AVX-512"
            : Avx2.IsSupported ? "AVX2" : "older than AVX2";

    /// <summary>One line for `covidseg info`: the set in force and why.</summary>
    public static string Describe(bool bf16) => UserCap is { } cap
        ? $"capped at {cap} by your {Variable} (this CPU offers {CpuBest(bf16)})"
        : $"{CpuBest(bf16)}, the CPU's widest (not capped: each training session checks oneDNN's gradients for its network against libtorch's own and uses them only if they match)";
}
