using System.Runtime.InteropServices;

namespace CovidSeg.Runtime;

/// <summary>
/// libtorch's process-wide switch for oneDNN (at::Context::setUserEnabledMkldnn), which TorchSharp does not expose.
/// libtorch chooses a convolution's kernels when it runs, backward passes included, so turning oneDNN off around a
/// backward pass sends only that pass to libtorch's own kernels (<see cref="BackwardKernelChoice"/> says why).
/// </summary>
public static class OneDnnSwitch
{
    private const string Library = "libtorch_cpu.so";
    private const string GlobalContext = "_ZN2at13globalContextEv";               // at::globalContext()
    private const string SetEnabled = "_ZN2at7Context20setUserEnabledMkldnnEb";   // at::Context::setUserEnabledMkldnn(bool)
    private const string GetEnabled = "_ZNK2at7Context17userEnabledMkldnnEv";     // at::Context::userEnabledMkldnn() const

    /// <summary>Whether libtorch may use oneDNN now; null where the switch cannot be reached.</summary>
    public static bool? Enabled
    {
        get
        {
            try
            {
                unsafe
                {
                    nint context = Context(out nint lib);
                    return ((delegate* unmanaged<nint, byte>)NativeLibrary.GetExport(lib, GetEnabled))(context) != 0;
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return null;
            }
        }
    }

    /// <summary>Sets the switch; returns false where it cannot be reached (nothing changes then).</summary>
    public static bool TrySet(bool enabled)
    {
        try
        {
            unsafe
            {
                nint context = Context(out nint lib);
                ((delegate* unmanaged<nint, byte, void>)NativeLibrary.GetExport(lib, SetEnabled))(context, enabled ? (byte)1 : (byte)0);
            }
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static unsafe nint Context(out nint library)
    {
        library = NativeLibrary.Load(Library);
        return ((delegate* unmanaged<nint>)NativeLibrary.GetExport(library, GlobalContext))();
    }
}
