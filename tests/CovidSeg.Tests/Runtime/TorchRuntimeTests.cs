using CovidSeg.Runtime;
using TorchSharp;

namespace CovidSeg.Tests.Runtime;

public class TorchRuntimeTests
{
    [Fact]
    public void NativeLibraryLoadsAndMultipliesMatrices()
    {
        Assert.Equal(83f, TorchRuntime.SmokeTest());
    }

    [Fact]
    public void BuildOutputCarriesThePatchedNativeLibrary()
    {
        var info = TorchRuntime.Describe();
        Assert.True(File.Exists(info.NativeLibraryPath), "libLibTorchSharp.so should be in the test output");
        Assert.True(info.NativeFixApplied, "the build should have marked GLIBCXX_3.4.32 weak in the output copy");
        Assert.Equal("0.107.0", info.TorchSharpVersion);
    }

    [Fact]
    public void ConfigureSetsTheThreadCount()
    {
        int before = torch.get_num_threads();
        try
        {
            Assert.Equal(1, TorchRuntime.Configure(1));
            Assert.Equal(1, torch.get_num_threads());
        }
        finally
        {
            torch.set_num_threads(before);
        }
    }
}
