namespace CovidSeg.Runtime;

/// <summary>
/// libtorch's process-wide switch for oneDNN (at::Context::setUserEnabledMkldnn), which TorchSharp does not expose.
/// libtorch chooses a convolution's kernels when it runs, backward passes included, so turning oneDNN off around a
/// backward pass sends only that pass to libtorch's own kernels (<see cref="BackwardKernelChoice"/> says why).
/// </summary>
public static class OneDnnSwitch
{
    private static readonly LibTorchContextFlag Flag = new(
        GetterSymbol: "_ZNK2at7Context17userEnabledMkldnnEv",     // at::Context::userEnabledMkldnn() const
        SetterSymbol: "_ZN2at7Context20setUserEnabledMkldnnEb");  // at::Context::setUserEnabledMkldnn(bool)

    /// <summary>Whether libtorch may use oneDNN now; null where the switch cannot be reached.</summary>
    public static bool? Enabled => Flag.Get();

    /// <summary>Sets the switch; returns false where it cannot be reached (nothing changes then).</summary>
    public static bool TrySet(bool enabled) => Flag.TrySet(enabled) is null;
}
