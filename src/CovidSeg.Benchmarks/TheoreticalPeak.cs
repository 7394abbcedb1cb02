using System.Globalization;
using System.Runtime.Intrinsics.X86;
using CovidSeg.Runtime;

namespace CovidSeg.Benchmarks;

/// <summary>
/// The most floating-point work the cores libtorch uses could do per second, from what the machine tells:
/// threads x clock x FLOPs per cycle, where FLOPs per cycle = fp32 lanes of the vector datapath x 2 (a fused
/// multiply-add) x <see cref="FmaUnits"/>. bf16 dot-product instructions (AVX-512 BF16) do twice the fp32 lanes' work.
/// </summary>
/// <param name="Threads">libtorch's threads, taken as one core each (hyper-threads sharing a core would halve this).</param>
/// <param name="Gigahertz">The clock, from cpufreq's maximum when readable, else /proc/cpuinfo's "cpu MHz" (often the base clock in a VM; boost runs faster).</param>
/// <param name="DatapathBits">512 with AVX-512 (256 on AMD Zen 4, which runs 512-bit instructions in two halves), 256 with AVX2.</param>
/// <param name="Bf16Gflops">Twice <paramref name="Fp32Gflops"/> with AVX-512 BF16; null without bf16 instructions. AMX tiles are not modelled.</param>
public sealed record TheoreticalPeak(int Threads, double Gigahertz, string ClockSource, int DatapathBits, double Fp32Gflops, double? Bf16Gflops)
{
    /// <summary>Not readable from the machine: two FMA units per core is what recent x86 server cores (Intel since
    /// Skylake-SP Gold, AMD Zen 2 to 5) have; one-unit parts reach half.</summary>
    public const int FmaUnits = 2;

    /// <summary>The peak in a precision ("fp32", "bf16"), if known.</summary>
    public double? Gflops(string precision) => precision switch { "fp32" => Fp32Gflops, "bf16" => Bf16Gflops, _ => null };

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Threads} threads x {Gigahertz:0.###} GHz ({ClockSource}) x {DatapathBits / 32} fp32 lanes x 2 (FMA) x {FmaUnits} FMA units (assumed)");

    /// <summary>The peak of this machine for <paramref name="threads"/> threads, or null when the clock or vector width cannot be read.</summary>
    public static TheoreticalPeak? Read(int threads, bool bf16Instructions)
    {
        var (ghz, source) = Clock();
        if (ghz is not double clock) return null;
        int bits = Avx512F.IsSupported ? (IsZen4() ? 256 : 512) : Avx2.IsSupported ? 256 : 0;
        if (bits == 0) return null;
        double fp32 = threads * clock * (bits / 32) * 2 * FmaUnits;
        return new TheoreticalPeak(threads, clock, source, bits, fp32, bf16Instructions && Avx512F.IsSupported ? 2 * fp32 : null);
    }

    private static (double? Gigahertz, string Source) Clock()
    {
        try
        {
            const string max = "/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq";
            if (File.Exists(max) && double.TryParse(File.ReadAllText(max).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double khz) && khz > 0)
                return (khz / 1e6, "cpufreq maximum");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // fall through to /proc/cpuinfo
        }
        return double.TryParse(LinuxProcFiles.Field("/proc/cpuinfo", "cpu MHz"), NumberStyles.Float, CultureInfo.InvariantCulture, out double mhz) && mhz > 0
            ? (mhz / 1000, "/proc/cpuinfo cpu MHz")
            : (null, "unreadable");
    }

    /// <summary>AMD family 25 (Zen 3 and 4) with AVX-512 is Zen 4, whose vector units are 256 bits wide.</summary>
    private static bool IsZen4() =>
        LinuxProcFiles.Field("/proc/cpuinfo", "vendor_id") == "AuthenticAMD" && LinuxProcFiles.Field("/proc/cpuinfo", "cpu family") == "25";
}
