using CovidSeg.Runtime;

namespace CovidSeg.Tests;

/// <summary>
/// A fact that trains in bf16: it needs the CPU's bf16 instructions (avx512_bf16 or amx_bf16), without which bf16 is
/// about 90x slower and training never chooses it. On other CPUs it is skipped, saying so.
/// </summary>
public sealed class Bf16CpuFactAttribute : FactAttribute
{
    public Bf16CpuFactAttribute()
    {
        if (!TorchRuntime.Describe().Bf16)
            Skip = "this CPU has no bf16 instructions (avx512_bf16 or amx_bf16 in /proc/cpuinfo): bf16 training is not used here";
    }
}
