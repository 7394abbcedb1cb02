namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// How one grey sample is stored (Image Pixel module, PS3.3 C.7.6.3): bits allocated (8 or 16), the low
/// <see cref="BitsStored"/> of them used, two's complement when <see cref="Signed"/>. MONOCHROME1 only changes how a
/// viewer displays values; it is recorded, not applied, because Hounsfield units come from the Modality LUT
/// (Rescale Slope/Intercept), which precedes any display inversion.
/// </summary>
public sealed record DicomPixelFormat(int BitsAllocated, int BitsStored, bool Signed, string Photometric)
{
    public int BytesPerSample => BitsAllocated / 8;

    /// <summary>The sample value of a stored word: keep the low BitsStored bits, sign-extend when signed.</summary>
    public int Sample(int word)
    {
        int mask = (1 << BitsStored) - 1;
        int value = word & mask;
        if (Signed && (value & (1 << (BitsStored - 1))) != 0) value -= 1 << BitsStored;
        return value;
    }
}
