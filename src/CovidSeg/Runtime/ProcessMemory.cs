using System.Runtime.InteropServices;

namespace CovidSeg.Runtime;

/// <summary>
/// The process's resident memory as Linux reports it (/proc/self/status VmRSS and its high-water mark VmHWM). libtorch
/// has no allocator statistics on CPU, so the peak resident set is how we measure a step's memory empirically:
/// <see cref="ResetPeak"/> (writes 5 to /proc/self/clear_refs, Linux 4.0+), run the step, read <see cref="PeakBytes"/>.
/// Every member returns null (or false) where the information is not available (another OS, a locked-down /proc).
/// </summary>
public static class ProcessMemory
{
    public static long? ResidentBytes() => LinuxProcFiles.Kilobytes("/proc/self/status", "VmRSS") * 1024;

    public static long? PeakBytes() => LinuxProcFiles.Kilobytes("/proc/self/status", "VmHWM") * 1024;

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
