using CovidSeg.Imaging.Nifti;

namespace CovidSeg.Tests.Imaging;

/// <summary>A small .nii.gz whose header claims far more voxels than it can hold is refused before they are allocated.</summary>
public class NiftiGzipBombTests
{
    [Fact]
    public void AHeaderClaimingAGigavoxelInASmallGzipFileIsRefused()
    {
        using var temp = new TempFolder();
        // 1000 x 1000 x 1000 uint8: 1e9 voxels, under the reader's 4 GiB ceiling, but would be a 4 GB float array.
        string path = new HandBuiltNifti().Dims(1000, 1000, 1000).DataType(2, 8).RawData(new byte[4096]).WriteTo(temp.File("bomb.nii.gz"));
        long size = new FileInfo(path).Length;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidInputException>(() => NiftiReader.Read(path));
        Assert.Equal($"truncated data: 1000x1000x1000 uint8 voxels need 1000000352 bytes, more than a {size}-byte gzip file can hold (deflate expands at most 1032:1)", e.Problem);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the voxels were allocated before the check");
    }

    [Fact]
    public void AWellCompressedVolumeStillReads()
    {
        using var temp = new TempFolder();
        // 200 x 200 x 20 zeros compress about 1000:1 and are still well within the bound.
        string path = new HandBuiltNifti().Dims(200, 200, 20).DataType(2, 8).RawData(new byte[200 * 200 * 20]).WriteTo(temp.File("zeros.nii.gz"));
        Assert.Equal(800_000, NiftiReader.Read(path).Data.Length);
    }
}
