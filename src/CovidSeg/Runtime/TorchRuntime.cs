using System.Reflection;
using System.Runtime.Intrinsics.X86;
using TorchSharp;

namespace CovidSeg.Runtime;

/// <summary>What the tensor backend is and how it was set up: versions, threads, CPU features, the loader fix.</summary>
public sealed record TorchRuntimeInfo(
    string CovidSegVersion,
    string TorchSharpVersion,
    string LibTorchVersion,
    int Threads,
    bool Avx2,
    bool Avx512,
    bool Bf16,
    string NativeLibraryPath,
    bool NativeFixApplied,
    string OneDnnIsa,
    string Nnpack);

/// <summary>Entry point to libtorch: thread count and a description of the runtime.</summary>
public static class TorchRuntime
{
    /// <summary>
    /// Sets libtorch's intra-op thread count; 0 means one per logical core. More threads than the cores this process
    /// may use (<see cref="Environment.ProcessorCount"/>, which honours CPU affinity and container limits) only
    /// oversubscribe them: 100000 once made libtorch start over 10,000 threads and hang, so it is refused.
    /// </summary>
    public static int Configure(int threads)
    {
        CheckThreads(threads);
        int n = threads > 0 ? threads : Environment.ProcessorCount;
        torch.set_num_threads(n);
        return n;
    }

    /// <summary>Throws <see cref="CovidSegException"/> unless <paramref name="threads"/> is 0 (one per core) or 1..<see cref="Environment.ProcessorCount"/>.</summary>
    public static void CheckThreads(int threads)
    {
        int cores = Environment.ProcessorCount;
        if (threads < 0 || threads > cores)
            throw new CovidSegException($"--threads {threads} is outside what this process can use: pass 0 for one per logical core, or 1..{cores}");
    }

    public static TorchRuntimeInfo Describe()
    {
        string native = FindNativeLibrary();
        bool bf16 = CpuHasBf16(CpuFlags());
        return new TorchRuntimeInfo(
            CovidSegVersion: typeof(TorchRuntime).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "unknown",
            TorchSharpVersion: typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown",
            LibTorchVersion: torch.__version__,
            Threads: torch.get_num_threads(),
            Avx2: Avx2.IsSupported,
            Avx512: Avx512F.IsSupported,
            Bf16: bf16,
            NativeLibraryPath: native,
            NativeFixApplied: native.Length > 0 && File.Exists(native + ".weakfix"),
            OneDnnIsa: OneDnnIsa.Describe(bf16),
            Nnpack: NnpackSwitch.Enabled switch
            {
                false => "off (switched off by CovidSeg before the first convolution: no per-convolution warnings, the same kernels on every CPU)",
                true => "on" + (NnpackSwitch.Failure is { } why ? $" (could not switch it off: {why})" : ""),
                null => "unknown (libtorch's switch is not reachable on this platform)",
            });
    }

    /// <summary>Runs one small tensor operation and returns its result, proving the native library loads.</summary>
    public static float SmokeTest()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        return a.matmul(a.t()).sum().item<float>();
    }

    private static string FindNativeLibrary()
    {
        string baseDir = AppContext.BaseDirectory;
        foreach (var candidate in new[]
                 {
                     Path.Combine(baseDir, "libLibTorchSharp.so"),
                     Path.Combine(baseDir, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
                 })
        {
            if (File.Exists(candidate)) return candidate;
        }
        return "";
    }

    private static bool CpuHasBf16(string flags) =>
        flags.Contains(" avx512_bf16 ", StringComparison.Ordinal) || flags.Contains(" amx_bf16 ", StringComparison.Ordinal);

    private static string CpuFlags() => " " + LinuxProcFiles.Field("/proc/cpuinfo", "flags") + " ";
}
