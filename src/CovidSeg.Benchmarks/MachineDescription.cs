using System.Runtime.Intrinsics.X86;
using CovidSeg.Runtime;
using TorchSharp;

namespace CovidSeg.Benchmarks;

/// <summary>
/// What a benchmark ran on, written beside its numbers: CPU model and the vector extensions libtorch's kernels depend
/// on, threads, memory, library versions, and the load average before and after (a load above the thread count means
/// another process shared the cores and the times are pessimistic).
/// </summary>
public sealed record MachineDescription(
    string Cpu,
    int LogicalCores,
    int Threads,
    string VectorExtensions,
    double? MemoryGiB,
    string TorchSharpVersion,
    string LibTorchVersion,
    string CovidSegVersion,
    string OperatingSystem,
    bool FreedMemoryRetained)
{
    public static MachineDescription Read()
    {
        var runtime = TorchRuntime.Describe();
        var extensions = new List<string>();
        if (runtime.Avx2) extensions.Add("AVX2");
        if (Fma.IsSupported) extensions.Add("FMA");
        if (runtime.Avx512) extensions.Add("AVX-512");
        extensions.Add(runtime.Bf16 ? "bf16 instructions (AVX-512 BF16 or AMX)" : "no bf16 instructions");
        return new MachineDescription(
            CpuModel(), Environment.ProcessorCount, torch.get_num_threads(),
            string.Join(", ", extensions),
            LinuxProcFiles.Kilobytes("/proc/meminfo", "MemTotal") is long kb ? kb / 1024.0 / 1024.0 : null,
            runtime.TorchSharpVersion, runtime.LibTorchVersion, runtime.CovidSegVersion,
            System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            NativeEnvironment.FreedMemoryRetained);
    }

    /// <summary>The 1-minute load average from /proc/loadavg, or null where there is none.</summary>
    public static double? LoadAverage()
    {
        try
        {
            string first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.TryParse(first, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double load) ? load : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Memory the kernel says can be allocated without swapping (MemAvailable), in bytes.</summary>
    public static long? AvailableBytes() => LinuxProcFiles.Kilobytes("/proc/meminfo", "MemAvailable") * 1024;

    private static string CpuModel() => LinuxProcFiles.Field("/proc/cpuinfo", "model name") ?? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
}
