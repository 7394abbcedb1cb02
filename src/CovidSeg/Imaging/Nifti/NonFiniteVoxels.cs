namespace CovidSeg.Imaging.Nifti;

/// <summary>
/// What a NaN or infinite CT voxel means to CovidSeg: air (-1024 HU). One NaN reaching the network spreads through
/// normalisation and convolution to the whole slice (a 10 x 10 NaN patch once erased 2988 lesion pixels), so such
/// voxels are replaced before segmentation and counted, and the report says how many. Scanners and converters write
/// them for voxels outside the reconstructed field of view, which is air.
/// </summary>
public static class NonFiniteVoxels
{
    /// <summary>Hounsfield units of air, the value a non-finite voxel becomes.</summary>
    public const float AirHounsfield = -1024f;

    /// <summary>Replaces every NaN, +Inf and -Inf in <paramref name="data"/> with <see cref="AirHounsfield"/>; returns how many.</summary>
    public static long ReplaceWithAir(float[] data)
    {
        long count = 0;
        for (int i = 0; i < data.Length; i++)
        {
            if (float.IsFinite(data[i])) continue;
            data[i] = AirHounsfield;
            count++;
        }
        return count;
    }

    /// <summary>The sentence the report carries for <paramref name="count"/> replaced voxels out of <paramref name="total"/>.</summary>
    public static string Note(long count, long total) =>
        $"{count} of {total} voxels were NaN or infinite and were read as air ({AirHounsfield} HU)";
}
