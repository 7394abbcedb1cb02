using System.Runtime.CompilerServices;

namespace CovidSeg.Tests;

/// <summary>Tests may create tensors before touching CovidSeg's own types: set libtorch's environment first.</summary>
internal static class TestAssemblySetup
{
#pragma warning disable CA2255
    [ModuleInitializer]
    internal static void Initialise() => CovidSeg.Runtime.NativeEnvironment.Apply();
#pragma warning restore CA2255
}
