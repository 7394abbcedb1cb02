using TorchSharp;

namespace CovidSeg.Runtime;

/// <summary>
/// Turns libtorch's NNPACK convolutions off before the first convolution. On CPUs where NNPACK does not initialise,
/// libtorch tries it again for every convolution and prints "Could not initialize NNPACK! Reason: Unsupported
/// hardware." each time (3,280 lines in one demo); where it does initialise, it would make the kernel that runs, and
/// so the last bits of the results, depend on the machine. TorchSharp has no switch for it, so this calls libtorch's
/// own, at::globalContext().setUserEnabledNNPACK(false).
/// </summary>
public static class NnpackSwitch
{
    private static readonly LibTorchContextFlag Flag = new(
        GetterSymbol: "_ZNK2at7Context17userEnabledNNPACKEv",     // at::Context::userEnabledNNPACK() const
        SetterSymbol: "_ZN2at7Context20setUserEnabledNNPACKEb");  // at::Context::setUserEnabledNNPACK(bool)

    private static string? failure;

    /// <summary>Why the switch could not be reached (another OS, another libtorch build), or null.</summary>
    public static string? Failure => failure;

    /// <summary>Loads libtorch (if it is not yet loaded) and switches NNPACK off; idempotent, never throws.</summary>
    public static void TurnOff()
    {
        try
        {
            _ = torch.get_num_threads(); // makes TorchSharp load libtorch, so the switch below is the one it uses
        }
        catch (TypeInitializationException e)
        {
            failure = e.Message.Split('\n')[0];
            return;
        }
        failure = OperatingSystem.IsLinux() ? Flag.TrySet(false) : "only reachable on Linux";
    }

    /// <summary>Whether libtorch may use NNPACK for convolutions in this process; null when that cannot be asked.</summary>
    public static bool? Enabled => OperatingSystem.IsLinux() ? Flag.Get() : null;
}
