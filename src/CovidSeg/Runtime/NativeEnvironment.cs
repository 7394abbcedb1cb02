using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CovidSeg.Runtime;

/// <summary>
/// Settings libtorch reads once, put into the process environment as soon as this assembly loads, before any tensor
/// exists; then libtorch's NNPACK switch (<see cref="NnpackSwitch"/>).
/// <para>
/// OMP_WAIT_POLICY=PASSIVE: by default idle OpenMP threads spin. On a 2-core machine shared with any other busy process
/// (a second training, a build, the test runner) the spinning threads starve the ones doing work: a training step
/// took five times as long under load (docs/benchmarks.md). A value the user has set is kept.
/// </para>
/// </summary>
public static class NativeEnvironment
{
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    private const int MallocTrimThreshold = -1; // M_TRIM_THRESHOLD
    private const int MallocMmapMax = -4;       // M_MMAP_MAX

    /// <summary>Environment variable that keeps glibc's default allocation policy (value "default").</summary>
    public const string HeapPolicyVariable = "COVIDSEG_HEAP";

    private static int appliedOnce;
    private static int heapRetained;

    /// <summary>
    /// Makes glibc keep freed memory for reuse instead of returning it to the OS. By default every block of 32 MB or
    /// more (one feature map of a 512 x 512 batch) is a fresh mmap, and its first touch costs a page fault per 4 KB
    /// page each time, which doubled the full model's forward pass on a batch of 8 slices (docs/benchmarks.md).
    /// The price is that the process's resident
    /// memory stays at its peak until it exits, which suits a command-line job, so the CLI calls this at start;
    /// a long-running host decides for itself. Returns whether the policy is now in force (glibc only;
    /// <see cref="HeapPolicyVariable"/>=default opts out).
    /// </summary>
    public static bool RetainFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (Environment.GetEnvironmentVariable(HeapPolicyVariable) == "default") return false;
        if (FreedMemoryRetained) return true;
        try
        {
            // No mmap for large blocks (they come from the heap and stay there when freed), and no trimming of the heap top.
            bool applied = MallOpt(MallocMmapMax, 0) == 1 && MallOpt(MallocTrimThreshold, int.MaxValue) == 1;
            if (applied) Volatile.Write(ref heapRetained, 1);
            return applied;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // not glibc (e.g. musl): its allocator has no such switch
        }
    }

    /// <summary>Whether <see cref="RetainFreedMemory"/> has put the retaining policy in force in this process.</summary>
    public static bool FreedMemoryRetained => Volatile.Read(ref heapRetained) == 1;

    // A library module initializer is deliberate here: it is the one hook that runs before any caller can reach
    // libtorch through this assembly's types.
#pragma warning disable CA2255
    [ModuleInitializer]
    internal static void ApplyOnLoad() => Apply();
#pragma warning restore CA2255

    /// <summary>Idempotent; callers that may touch libtorch before this assembly loads call it first.</summary>
    public static void Apply()
    {
        if (Interlocked.Exchange(ref appliedOnce, 1) == 1) return;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            // The native environment, not .NET's copy: libgomp calls getenv when libtorch loads it.
            if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not { Length: > 0 })
            {
                SetEnv("OMP_WAIT_POLICY", "PASSIVE", overwrite: 0);
                Environment.SetEnvironmentVariable("OMP_WAIT_POLICY", "PASSIVE");
            }
        }
        // Only now may libtorch load: everything it reads from the environment is in place. NNPACK must be off
        // before the first convolution.
        NnpackSwitch.TurnOff();
    }
}
