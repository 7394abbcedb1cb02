using System.Runtime.InteropServices;
using TorchSharp;

namespace CovidSeg.Runtime;

/// <summary>
/// Turns libtorch's NNPACK convolutions off before the first convolution. On CPUs where NNPACK does not initialise,
/// libtorch tries it again for every convolution and prints "Could not initialize NNPACK! Reason: Unsupported
/// hardware." each time (3,280 lines in one demo); where it does initialise, it would make the kernel that runs, and
/// so the last bits of the results, depend on the machine. TorchSharp has no switch for it, so this calls libtorch's
/// own, at::globalContext().setUserEnabledNNPACK(false), through its exported C++ symbols.
/// </summary>
public static class NnpackSwitch
{
    private const string Library = "libtorch_cpu.so";
    private const string GlobalContext = "_ZN2at13globalContextEv";                    // at::globalContext()
    private const string SetEnabled = "_ZN2at7Context20setUserEnabledNNPACKEb";        // at::Context::setUserEnabledNNPACK(bool)
    private const string GetEnabled = "_ZNK2at7Context17userEnabledNNPACKEv";          // at::Context::userEnabledNNPACK() const

    private static string? _failure;

    /// <summary>Why the switch could not be reached (another OS, another libtorch build), or null.</summary>
    public static string? Failure => _failure;

    /// <summary>Loads libtorch (if it is not yet loaded) and switches NNPACK off; idempotent, never throws.</summary>
    public static void TurnOff()
    {
        try
        {
            _ = torch.get_num_threads(); // makes TorchSharp load libtorch, so the library below is the one it uses
            if (!OperatingSystem.IsLinux()) { _failure = "only reachable on Linux"; return; }
            unsafe
            {
                nint context = Context(out nint lib);
                ((delegate* unmanaged<nint, byte, void>)NativeLibrary.GetExport(lib, SetEnabled))(context, 0);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            _failure = e.Message.Split('\n')[0];
        }
    }

    /// <summary>Whether libtorch may use NNPACK for convolutions in this process; null when that cannot be asked.</summary>
    public static bool? Enabled
    {
        get
        {
            if (!OperatingSystem.IsLinux()) return null;
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

    /// <summary>libtorch's global context object (the `this` of the switch) and the library handle.</summary>
    private static unsafe nint Context(out nint library)
    {
        library = NativeLibrary.Load(Library); // already loaded by TorchSharp: the loader finds it by its soname
        return ((delegate* unmanaged<nint>)NativeLibrary.GetExport(library, GlobalContext))();
    }
}
