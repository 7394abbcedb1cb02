using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace CovidSeg.Tests.Imaging;

/// <summary>
/// A NIfTI-1 file assembled byte by byte at the offsets of nifti1.h, independently of the library's own header
/// code, so reader tests check decoding against the spec rather than against the writer.
/// </summary>
internal sealed class HandBuiltNifti
{
    private readonly bool bigEndian;
    private byte[] header = new byte[352];
    private byte[] data = [];

    public HandBuiltNifti(bool bigEndian = false)
    {
        this.bigEndian = bigEndian;
        Int(0, 348);                 // sizeof_hdr
        Float(108, 352);             // vox_offset
        Float(112, 1);               // scl_slope
        Text(344, "n+1\0");          // magic
        for (int i = 0; i < 8; i++) Float(76 + 4 * i, i is >= 1 and <= 3 ? 1 : 0); // pixdim
    }

    public HandBuiltNifti Short(int offset, short value)
    {
        if (this.bigEndian) BinaryPrimitives.WriteInt16BigEndian(this.header.AsSpan(offset), value);
        else BinaryPrimitives.WriteInt16LittleEndian(this.header.AsSpan(offset), value);
        return this;
    }

    public HandBuiltNifti Int(int offset, int value)
    {
        if (this.bigEndian) BinaryPrimitives.WriteInt32BigEndian(this.header.AsSpan(offset), value);
        else BinaryPrimitives.WriteInt32LittleEndian(this.header.AsSpan(offset), value);
        return this;
    }

    public HandBuiltNifti Float(int offset, float value)
    {
        if (this.bigEndian) BinaryPrimitives.WriteSingleBigEndian(this.header.AsSpan(offset), value);
        else BinaryPrimitives.WriteSingleLittleEndian(this.header.AsSpan(offset), value);
        return this;
    }

    public HandBuiltNifti Byte(int offset, byte value)
    {
        this.header[offset] = value;
        return this;
    }

    public HandBuiltNifti Text(int offset, string text)
    {
        Encoding.ASCII.GetBytes(text).CopyTo(this.header, offset);
        return this;
    }

    /// <summary>dim[0] = number of sizes given, dim[1..] = the sizes, the rest 1.</summary>
    public HandBuiltNifti Dims(params short[] sizes)
    {
        Short(40, (short)sizes.Length);
        for (int i = 1; i < 8; i++) Short(40 + 2 * i, i <= sizes.Length ? sizes[i - 1] : (short)1);
        return this;
    }

    /// <summary>datatype@70 and bitpix@72.</summary>
    public HandBuiltNifti DataType(short code, short bitpix) => Short(70, code).Short(72, bitpix);

    public HandBuiltNifti PixDim(float qfac, float dx, float dy, float dz) =>
        Float(76, qfac).Float(80, dx).Float(84, dy).Float(88, dz);

    /// <summary>Moves the data start; the gap after byte 348 is padded with zeros.</summary>
    public HandBuiltNifti VoxOffset(int offset)
    {
        Array.Resize(ref this.header, offset);
        return Float(108, offset);
    }

    public HandBuiltNifti Int16Data(params short[] values)
    {
        this.data = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
            if (this.bigEndian) BinaryPrimitives.WriteInt16BigEndian(this.data.AsSpan(2 * i), values[i]);
            else BinaryPrimitives.WriteInt16LittleEndian(this.data.AsSpan(2 * i), values[i]);
        return this;
    }

    public HandBuiltNifti Float32Data(params float[] values)
    {
        this.data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            if (this.bigEndian) BinaryPrimitives.WriteSingleBigEndian(this.data.AsSpan(4 * i), values[i]);
            else BinaryPrimitives.WriteSingleLittleEndian(this.data.AsSpan(4 * i), values[i]);
        return this;
    }

    public HandBuiltNifti RawData(byte[] bytes)
    {
        this.data = bytes;
        return this;
    }

    public byte[] Bytes() => [.. this.header, .. this.data];

    public string WriteTo(string path, int? truncateTo = null)
    {
        byte[] bytes = Bytes();
        if (truncateTo is int n) bytes = bytes[..n];
        if (path.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var file = File.Create(path);
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            gzip.Write(bytes);
        }
        else
        {
            File.WriteAllBytes(path, bytes);
        }
        return path;
    }
}
