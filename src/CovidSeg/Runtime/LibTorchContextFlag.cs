using System.Runtime.InteropServices;

namespace CovidSeg.Runtime;

/// <summary>
/// One of libtorch's process-wide boolean switches on its global context (at::globalContext()), reached through the
/// C++ symbols libtorch_cpu.so exports, for the switches TorchSharp does not expose. The library is already loaded by
/// TorchSharp, so the loader finds it by its soname.
/// </summary>
/// <param name="GetterSymbol">Mangled name of the const member function that reads the switch, e.g. userEnabledNNPACK().</param>
/// <param name="SetterSymbol">Mangled name of the member function that sets it, e.g. setUserEnabledNNPACK(bool).</param>
internal sealed record LibTorchContextFlag(string GetterSymbol, string SetterSymbol)
{
    private const string Library = "libtorch_cpu.so";
    private const string GlobalContext = "_ZN2at13globalContextEv"; // at::globalContext()

    /// <summary>The switch's value; null where the library or symbol cannot be reached (another OS or libtorch build).</summary>
    public bool? Get()
    {
        try
        {
            unsafe
            {
                nint context = Context(out nint library);
                return ((delegate* unmanaged<nint, byte>)NativeLibrary.GetExport(library, GetterSymbol))(context) != 0;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Sets the switch; returns why it could not be reached, or null on success.</summary>
    public string? TrySet(bool on)
    {
        try
        {
            unsafe
            {
                nint context = Context(out nint library);
                ((delegate* unmanaged<nint, byte, void>)NativeLibrary.GetExport(library, SetterSymbol))(context, on ? (byte)1 : (byte)0);
            }
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return e.Message.Split('\n')[0];
        }
    }

    private static unsafe nint Context(out nint library)
    {
        library = NativeLibrary.Load(Library);
        return ((delegate* unmanaged<nint>)NativeLibrary.GetExport(library, GlobalContext))();
    }
}
