using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CovidSeg.Runtime;

/// <summary>
/// The process's resident memory and its high-water mark (.NET's working set and peak working set, which on Linux are
/// /proc/self/status VmRSS and VmHWM). libtorch
/// has no allocator statistics on CPU, so the peak resident set is how we measure a step's memory empirically:
/// <see cref="ResetPeak"/> (writes 5 to /proc/self/clear_refs, Linux 4.0+), run the step, read <see cref="PeakBytes"/>.
/// Every member returns null (or false) where the information is not available (another OS, a locked-down /proc).
/// </summary>
public static class ProcessMemory
{
    public static long? ResidentBytes() => Read(p => p.WorkingSet64);

    /// <summary>Read afresh each call (a <see cref="Process"/> caches what it read), so a reset peak shows.</summary>
    public static long? PeakBytes() => Read(p => p.PeakWorkingSet64);

    private static long? Read(Func<Process, long> value)
    {
        using var process = Process.GetCurrentProcess();
        long bytes = value(process);
        return bytes > 0 ? bytes : null;
    }

    /// <summary>Hands freed heap pages back to the OS, then sets the high-water mark to the current resident size.</summary>
    public static bool ResetPeak()
    {
        ReleaseFreedHeap();
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>glibc keeps small freed blocks in its heap; malloc_trim returns them so they do not hide new growth.</summary>
    public static void ReleaseFreedHeap()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (e.g. musl): nothing to trim, the measurement is just less tight.
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
