using CovidSeg.Runtime;

namespace CovidSeg.Tests.Runtime;

[Collection(ProcessMemoryCollection.Name)]
public class ProcessMemoryTests
{
    [Fact]
    public void ThePeakFollowsMemoryTheProcessTouchesAndResetsToTheResidentSize()
    {
        long resident = ProcessMemory.ResidentBytes()!.Value;
        long before = ProcessMemory.PeakBytes()!.Value;
        Assert.True(resident > 0 && resident <= before, $"resident {resident}, peak {before}");
        var block = GC.AllocateUninitializedArray<byte>(256 << 20);
        for (int i = 0; i < block.Length; i += 4096) block[i] = 1; // touch every page so it becomes resident
        // Resident first: the peak read after it can only be as high or higher.
        long residentNow = ProcessMemory.ResidentBytes()!.Value;
        long during = ProcessMemory.PeakBytes()!.Value;
        Assert.True(during >= residentNow, $"peak {during} below resident {residentNow}");
        Assert.True(during - before >= (128 << 20) || before >= ProcessMemory.ResidentBytes()! + (128 << 20),
            $"peak {before} -> {during} did not see 256 MiB being touched");
        GC.KeepAlive(block);
        block = null;
        GC.Collect();
        if (ProcessMemory.ResetPeak())
            Assert.True(ProcessMemory.PeakBytes() < during, "the peak did not come down after a reset");
    }
}
