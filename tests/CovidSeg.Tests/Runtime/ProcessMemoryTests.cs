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
        // Enough to lift the process 256 MiB above its earlier peak, which earlier tests may have left well above
        // today's resident size (freed memory leaves the peak where it was).
        long size = before - resident + (256L << 20);
        var block = GC.AllocateUninitializedArray<byte>(checked((int)Math.Min(size, Array.MaxLength)));
        for (int i = 0; i < block.Length; i += 4096) block[i] = 1; // touch every page so it becomes resident
        // Resident first: the peak read after it can only be as high or higher.
        long residentNow = ProcessMemory.ResidentBytes()!.Value;
        long during = ProcessMemory.PeakBytes()!.Value;
        Assert.True(during >= residentNow, $"peak {during} below resident {residentNow}");
        Assert.True(during - before >= (128 << 20), $"peak {before} -> {during} did not see {block.Length >> 20} MiB being touched (resident {resident} before)");
        GC.KeepAlive(block);
        block = null;
        GC.Collect();
        if (ProcessMemory.ResetPeak())
            Assert.True(ProcessMemory.PeakBytes() < during, "the peak did not come down after a reset");
    }
}
