namespace CovidSeg.Imaging.Nifti;

/// <summary>Sizes and names of <see cref="NiftiDataType"/> values.</summary>
public static class NiftiDataTypes
{
    /// <summary>Bytes per voxel, or 0 for a code this library cannot read.</summary>
    public static int BytesPerVoxel(NiftiDataType type) => type switch
    {
        NiftiDataType.UInt8 or NiftiDataType.Int8 => 1,
        NiftiDataType.Int16 or NiftiDataType.UInt16 => 2,
        NiftiDataType.Int32 or NiftiDataType.UInt32 or NiftiDataType.Float32 => 4,
        NiftiDataType.Float64 => 8,
        _ => 0,
    };

    public static bool IsSupported(short code) => BytesPerVoxel((NiftiDataType)code) > 0;

    /// <summary>Types the writer produces.</summary>
    public static bool IsWritable(NiftiDataType type) => type is NiftiDataType.UInt8 or NiftiDataType.Int16
        or NiftiDataType.Int32 or NiftiDataType.Float32 or NiftiDataType.Float64;

    /// <summary>Smallest and largest value an integer type stores; infinite for floating-point types.</summary>
    public static (double Min, double Max) Range(NiftiDataType type) => type switch
    {
        NiftiDataType.UInt8 => (byte.MinValue, byte.MaxValue),
        NiftiDataType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        NiftiDataType.Int16 => (short.MinValue, short.MaxValue),
        NiftiDataType.UInt16 => (ushort.MinValue, ushort.MaxValue),
        NiftiDataType.Int32 => (int.MinValue, int.MaxValue),
        NiftiDataType.UInt32 => (uint.MinValue, uint.MaxValue),
        _ => (double.NegativeInfinity, double.PositiveInfinity),
    };

    /// <summary>Name of a datatype code as nifti1.h spells it (e.g. "int16"), or "code N" when unknown.</summary>
    public static string NameOf(short code) => (NiftiDataType)code switch
    {
        NiftiDataType.UInt8 => "uint8",
        NiftiDataType.Int16 => "int16",
        NiftiDataType.Int32 => "int32",
        NiftiDataType.Float32 => "float32",
        NiftiDataType.Float64 => "float64",
        NiftiDataType.Int8 => "int8",
        NiftiDataType.UInt16 => "uint16",
        NiftiDataType.UInt32 => "uint32",
        _ => code switch
        {
            1 => "binary (code 1)",
            32 => "complex64 (code 32)",
            128 => "rgb24 (code 128)",
            1024 => "int64 (code 1024)",
            1280 => "uint64 (code 1280)",
            1536 => "float128 (code 1536)",
            1792 => "complex128 (code 1792)",
            2048 => "complex256 (code 2048)",
            2304 => "rgba32 (code 2304)",
            _ => $"code {code}",
        },
    };
}
