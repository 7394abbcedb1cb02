using System.Runtime.Intrinsics.X86;

namespace CovidSeg.Runtime;

/// <summary>
/// Caps the instruction set of oneDNN, the convolution library inside libtorch, at AVX2 for the whole process.
/// <para>
/// Why: on CPUs with AVX-512 (seen on AMD EPYC with avx512f, avx512_bf16, avx512_vnni), oneDNN's AVX-512 convolution
/// backward-data kernels as shipped in libtorch 2.10 return a non-finite input gradient at random: a lone
/// Conv2d(8, 8, 3, padding 1) on a 1 x 8 x 128 x 128 input gave NaN or Inf in 22 to 38 of 1,000 backward passes,
/// and training with a fixed seed diverged in most runs. Capped at AVX2: 0 of 1,000, training bit-for-bit repeatable,
/// and fp32 inference no slower (docs/architecture.md has the measurements and the commands).
/// </para>
/// <para>
/// oneDNN reads ONEDNN_MAX_CPU_ISA from the native environment once, at its first kernel, so the cap is set with
/// libc's setenv (.NET's own Environment.SetEnvironmentVariable does not reach native code on Linux) before libtorch
/// loads. A value the user has set is kept, so the fault can still be reproduced on purpose (ONEDNN_MAX_CPU_ISA=ALL).
/// </para>
/// </summary>
public static class OneDnnIsaCap
{
    public const string Variable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>The cap CovidSeg puts in force: the widest ISA whose kernels were proven sound here.</summary>
    public const string SafeIsa = "AVX2";

    private static string? _userValue;
    private static bool _applied;

    /// <summary>Sets the cap unless the user has set the variable; called by <see cref="NativeEnvironment.Apply"/>.</summary>
    internal static void Apply(Func<string, string, int> setNativeEnvironment)
    {
        _userValue = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } v ? v : null;
        if (_userValue is null)
        {
            setNativeEnvironment(Variable, SafeIsa);
            Environment.SetEnvironmentVariable(Variable, SafeIsa);
        }
        _applied = true;
    }

    /// <summary>The value oneDNN reads in this process ("AVX2" unless the user set another), or null before Apply.</summary>
    public static string? InForce => _applied ? _userValue ?? SafeIsa : null;

    /// <summary>Whether the cap in force is the user's own choice rather than CovidSeg's.</summary>
    public static bool SetByUser => _userValue is not null;

    /// <summary>One line for `covidseg info`: the ISA in force and why.</summary>
    public static string Describe()
    {
        if (InForce is not { } isa) return "not set (CovidSeg's native environment was not applied)";
        if (SetByUser)
        {
            bool risky = Avx512F.IsSupported && !isa.Equals(SafeIsa, StringComparison.OrdinalIgnoreCase);
            return $"{isa} (from your {Variable})" + (risky
                ? "; WARNING: on this AVX-512 CPU oneDNN's AVX-512 convolution backward kernels give NaN gradients at random: training is not trustworthy"
                : "");
        }
        return Avx512F.IsSupported
            ? $"{isa} (capped by CovidSeg: oneDNN's AVX-512 convolution backward kernels give NaN gradients at random on this CPU; docs/architecture.md)"
            : $"{isa} (set by CovidSeg; this CPU has no AVX-512, so it is also the CPU's own maximum)";
    }
}
