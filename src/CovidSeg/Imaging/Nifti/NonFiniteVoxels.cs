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

    /// <summary>
    /// For training data: a CT volume with a NaN or infinite voxel is refused, naming the file and how many, because
    /// there is no report in which a replacement could be stated and one NaN would poison the loss.
    /// </summary>
    public static NiftiVolume RequireFinite(NiftiVolume volume, string path)
    {
        long count = 0;
        foreach (float v in volume.Data)
            if (!float.IsFinite(v)) count++;
        if (count > 0)
            throw new InvalidInputException(path, $"{count} of {volume.VoxelCount} voxels are NaN or infinite; training needs finite CT values (predict reads them as air)");
        return volume;
    }

    /// <summary>The sentence the report carries for <paramref name="count"/> replaced voxels out of <paramref name="total"/>.</summary>
    public static string Note(long count, long total) =>
        $"{count} of {total} voxels were NaN or infinite and were read as air ({AirHounsfield} HU)";
}
