using System.Runtime.InteropServices;

namespace CovidSeg.Runtime;

/// <summary>
/// libtorch's own debugging switch (c10 flag caffe2_cpu_allocator_do_junk_fill) that fills every new CPU tensor with a
/// NaN bit pattern. A kernel that reads memory it never wrote then gives NaN every time instead of at random: the
/// backward-kernel check (<see cref="OneDnnSwitch"/>, Training/BackwardKernelChoice) runs under it so that its verdict
/// does not depend on what a process's memory happened to hold.
/// </summary>
public static class AllocatorJunkFill
{
    private const string Library = "libc10.so";
    private const string Flag = "FLAGS_caffe2_cpu_allocator_do_junk_fill";
    private const string ZeroFillFlag = "FLAGS_caffe2_cpu_allocator_do_zero_fill";
    private static readonly Lock Gate = new();

    /// <summary>Runs <paramref name="body"/> with junk-filled allocations; where the flag is not reachable, plainly.</summary>
    public static T While<T>(Func<T> body)
    {
        lock (Gate)
        {
            // libtorch aborts the process if zero fill and junk fill are ever both on: never raise ours over zero fill.
            bool on = Read(ZeroFillFlag) == false && Write(Flag, true);
            try
            {
                return body();
            }
            finally
            {
                if (on) Write(Flag, false);
            }
        }
    }

    /// <summary>Whether the flag is on now; null where it cannot be reached.</summary>
    public static bool? Enabled => Read(Flag);

    private static bool Write(string flag, bool on)
    {
        try
        {
            Marshal.WriteByte(NativeLibrary.GetExport(NativeLibrary.Load(Library), flag), on ? (byte)1 : (byte)0);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static bool? Read(string flag)
    {
        try
        {
            return Marshal.ReadByte(NativeLibrary.GetExport(NativeLibrary.Load(Library), flag)) != 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }
}
