using CovidSeg.Runtime;

namespace CovidSeg.Tests.Runtime;

public class HeapPolicyTests
{
    [Fact]
    public void RetainingFreedMemoryTakesEffectOnGlibcAndIsIdempotent()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(NativeEnvironment.HeapPolicyVariable) == "default")
        {
            Assert.False(OperatingSystem.IsLinux() && NativeEnvironment.RetainFreedMemory());
            return;
        }
        // glibc's mallopt answers 1 for a setting it accepted; Debian 12 is glibc.
        Assert.True(NativeEnvironment.RetainFreedMemory());
        Assert.True(NativeEnvironment.FreedMemoryRetained);
        Assert.True(NativeEnvironment.RetainFreedMemory());
        // Allocation still works under the policy: a block far above glibc's 32 MB mmap limit, written and freed.
        var big = new byte[64 << 20];
        big[^1] = 1;
        using var tensor = TorchSharp.torch.ones(40L << 20 >> 2); // 40 MB, and a sum below 2^24 that float32 holds exactly
        Assert.Equal(40L << 20 >> 2, (long)tensor.sum().item<float>());
    }
}
