namespace CovidSeg.Imaging.Nifti;

/// <summary>
/// Voxel storage types of the NIfTI-1 format (the <c>datatype</c> header field, codes from nifti1.h,
/// https://nifti.nimh.nih.gov/pub/dist/src/niftilib/nifti1.h). The writer uses UInt8, Int16, Int32, Float32 and
/// Float64; the reader also accepts Int8, UInt16 and UInt32.
/// </summary>
public enum NiftiDataType : short
{
    UInt8 = 2,
    Int16 = 4,
    Int32 = 8,
    Float32 = 16,
    Float64 = 64,
    Int8 = 256,
    UInt16 = 512,
    UInt32 = 768,
}
