using System.Buffers.Binary;
using System.IO.Compression;

namespace CovidSeg.Imaging.Nifti;

/// <summary>
/// Reads single-file NIfTI-1 images (<c>.nii</c>, and <c>.nii.gz</c> by gzip signature), either byte order, 2D or 3D,
/// per the NIfTI-1 spec (nifti1.h). Voxel values become floats with scl_slope/scl_inter applied when scl_slope is
/// non-zero (0 means "no scaling" in nifti1.h; a NaN or infinite scl_slope, or scl_inter with a non-zero slope, is
/// refused rather than guessed at). NaN or infinite voxel values are kept as read (see <see cref="NonFiniteVoxels"/>). Anything it cannot use raises <see cref="InvalidInputException"/> naming the file and the problem.
/// </summary>
public static class NiftiReader
{
    /// <summary>Largest voxel count accepted: one managed float array.</summary>
    public const long MaxVoxels = 0x7FFFFFC7; // Array.MaxLength
    /// <summary>Largest stored voxel data accepted (4 GiB).</summary>
    public const long MaxDataBytes = 4L << 30;

    /// <summary>
    /// Deflate's largest expansion (258-byte matches coded in about 2 bits): a .nii.gz cannot hold more than this many
    /// times its own size, so a small file whose header claims billions of voxels is refused before they are allocated.
    /// </summary>
    public const long MaxDeflateRatio = 1032;

    private const int ChunkBytes = 1 << 20;

    /// <summary>Reads header and voxels.</summary>
    public static NiftiVolume Read(string path)
    {
        using var stream = Open(path);
        var (header, bigEndian) = ReadAndCheckHeader(stream, path);
        var (nx, ny, nz) = NiftiVolume.SpatialSize(header);
        long voxels = (long)nx * ny * nz;
        var type = (NiftiDataType)header.DataType;
        long dataBytes = voxels * NiftiDataTypes.BytesPerVoxel(type);
        long voxOffset = (long)header.VoxOffset;

        if (stream is FileStream file && file.Length < voxOffset + dataBytes)
            throw new InvalidInputException(path, $"truncated data: {nx}x{ny}x{nz} {NiftiDataTypes.NameOf(header.DataType)} voxels need {dataBytes} bytes after vox_offset {voxOffset} ({voxOffset + dataBytes} in all), the file has {file.Length}");
        long fileBytes = new FileInfo(path).Length;
        if (stream is not FileStream && voxOffset + dataBytes > MaxDeflateRatio * fileBytes)
            throw new InvalidInputException(path, $"truncated data: {nx}x{ny}x{nz} {NiftiDataTypes.NameOf(header.DataType)} voxels need {voxOffset + dataBytes} bytes, more than a {fileBytes}-byte gzip file can hold (deflate expands at most {MaxDeflateRatio}:1)");

        Skip(stream, voxOffset - NiftiHeader.HeaderSize, path);
        var data = new float[voxels];
        ReadVoxels(stream, type, bigEndian, data, path);
        ApplyScaling(header, data);
        return new NiftiVolume(header, data);
    }

    /// <summary>Reads and checks only the header (cheap even for .nii.gz: only the first bytes are decompressed).</summary>
    public static NiftiHeader ReadHeader(string path)
    {
        using var stream = Open(path);
        return ReadAndCheckHeader(stream, path).Header;
    }

    private static Stream Open(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(path, $"cannot open: {e.Message}", e);
        }
        // Decide by content, not by name: a .nii.gz that is not compressed (or the reverse) still reads.
        Span<byte> magic = stackalloc byte[2];
        int got = file.Read(magic);
        file.Position = 0;
        if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            return new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16);
        return file;
    }

    private static (NiftiHeader Header, bool BigEndian) ReadAndCheckHeader(Stream stream, string path)
    {
        var bytes = new byte[NiftiHeader.HeaderSize];
        int got = ReadFully(stream, bytes, path);
        if (got >= 4)
        {
            int le = BinaryPrimitives.ReadInt32LittleEndian(bytes);
            if (le != NiftiHeader.HeaderSize && BinaryPrimitives.ReverseEndianness(le) != NiftiHeader.HeaderSize)
                throw new InvalidInputException(path, $"not a NIfTI-1 file: sizeof_hdr is {le} (little endian), must be 348");
        }
        if (got < NiftiHeader.HeaderSize)
            throw new InvalidInputException(path, $"truncated header: {got} bytes, a NIfTI-1 header needs {NiftiHeader.HeaderSize}");

        bool bigEndian = BinaryPrimitives.ReadInt32LittleEndian(bytes) != NiftiHeader.HeaderSize;
        var header = NiftiHeader.Parse(bytes, bigEndian);
        Check(header, path);
        return (header, bigEndian);
    }

    private static void Check(NiftiHeader h, string path)
    {
        if (h.Magic == NiftiHeader.PairMagic)
            throw new InvalidInputException(path, "a .hdr/.img pair (magic \"ni1\") is not supported; convert it to a single .nii file");
        if (h.Magic != NiftiHeader.SingleFileMagic)
            throw new InvalidInputException(path, $"not a NIfTI-1 file: magic is \"{Printable(h.Magic)}\", expected \"n+1\"");

        int rank = h.Dim[0];
        if (rank < 1 || rank > 7)
            throw new InvalidInputException(path, $"dim[0] (number of dimensions) is {rank}, must be 1..7");
        for (int i = 1; i <= rank; i++)
            if (h.Dim[i] <= 0)
                throw new InvalidInputException(path, $"dim[{i}] is {h.Dim[i]}; every dimension must be positive (dim = {DimText(h)})");
        for (int i = 4; i <= rank; i++)
            if (h.Dim[i] > 1)
                throw new InvalidInputException(path, $"{rank}D image (dim = {DimText(h)}) is not supported: only 2D and 3D images, but dim[{i}] = {h.Dim[i]}");

        if (!NiftiDataTypes.IsSupported(h.DataType))
            throw new InvalidInputException(path, $"unsupported datatype {NiftiDataTypes.NameOf(h.DataType)}; supported: uint8, int8, int16, uint16, int32, uint32, float32, float64");

        var (nx, ny, nz) = NiftiVolume.SpatialSize(h);
        long voxels = (long)nx * ny * nz;
        long dataBytes = voxels * NiftiDataTypes.BytesPerVoxel((NiftiDataType)h.DataType);
        if (voxels > MaxVoxels)
            throw new InvalidInputException(path, $"{nx}x{ny}x{nz} = {voxels} voxels is more than the {MaxVoxels} this reader holds in memory");
        if (dataBytes > MaxDataBytes)
            throw new InvalidInputException(path, $"{nx}x{ny}x{nz} {NiftiDataTypes.NameOf(h.DataType)} voxels = {dataBytes} bytes of data, more than the {MaxDataBytes} bytes (4 GiB) this reader accepts");

        if (!float.IsFinite(h.SclSlope))
            throw new InvalidInputException(path, $"scl_slope is {Show(h.SclSlope)}; it must be a finite number (0 = no scaling)");
        if (h.SclSlope != 0 && !float.IsFinite(h.SclInter))
            throw new InvalidInputException(path, $"scl_inter is {Show(h.SclInter)} with scl_slope {Show(h.SclSlope)}; it must be a finite number");

        float off = h.VoxOffset;
        if (!float.IsFinite(off) || off < NiftiHeader.HeaderSize || off != MathF.Floor(off) || off > int.MaxValue)
            throw new InvalidInputException(path, $"vox_offset is {off}; it must be a whole number of bytes, at least {NiftiHeader.HeaderSize}");
    }

    /// <summary>A float as the error message shows it, the same in every culture (NaN, +Inf, -Inf, or the number).</summary>
    private static string Show(float v) =>
        float.IsNaN(v) ? "NaN" : float.IsPositiveInfinity(v) ? "+Inf" : float.IsNegativeInfinity(v) ? "-Inf" : v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string DimText(NiftiHeader h) => "[" + string.Join(", ", h.Dim) + "]";

    private static string Printable(string s) => new(s.Select(c => c >= ' ' && c < 127 ? c : '?').ToArray());

    private static void Skip(Stream stream, long count, string path)
    {
        var buffer = new byte[Math.Min(count, ChunkBytes)];
        while (count > 0)
        {
            int want = (int)Math.Min(count, buffer.Length);
            int got = ReadFully(stream, buffer.AsSpan(0, want), path);
            if (got < want) throw new InvalidInputException(path, "truncated file: it ends before vox_offset, where the voxel data should start");
            count -= got;
        }
    }

    /// <summary>Decodes the voxels chunk by chunk, so the raw bytes never need a second full-size buffer.</summary>
    private static void ReadVoxels(Stream stream, NiftiDataType type, bool bigEndian, float[] data, string path)
    {
        int size = NiftiDataTypes.BytesPerVoxel(type);
        int perChunk = ChunkBytes / size;
        var buffer = new byte[perChunk * size];
        long done = 0;
        while (done < data.Length)
        {
            int count = (int)Math.Min(perChunk, data.Length - done);
            int got = ReadFully(stream, buffer.AsSpan(0, count * size), path);
            if (got < count * size)
                throw new InvalidInputException(path, $"truncated data: expected {(long)data.Length * size} bytes of {NiftiDataTypes.NameOf((short)type)} voxels after vox_offset, found {done * size + got}");
            Decode(buffer.AsSpan(0, count * size), type, bigEndian, data.AsSpan((int)done, count));
            done += count;
        }
    }

    private static void Decode(ReadOnlySpan<byte> raw, NiftiDataType type, bool bigEndian, Span<float> into)
    {
        switch (type)
        {
            case NiftiDataType.UInt8:
                for (int i = 0; i < into.Length; i++) into[i] = raw[i];
                break;
            case NiftiDataType.Int8:
                for (int i = 0; i < into.Length; i++) into[i] = (sbyte)raw[i];
                break;
            case NiftiDataType.Int16:
                for (int i = 0; i < into.Length; i++)
                    into[i] = bigEndian ? BinaryPrimitives.ReadInt16BigEndian(raw[(2 * i)..]) : BinaryPrimitives.ReadInt16LittleEndian(raw[(2 * i)..]);
                break;
            case NiftiDataType.UInt16:
                for (int i = 0; i < into.Length; i++)
                    into[i] = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(raw[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]);
                break;
            case NiftiDataType.Int32:
                for (int i = 0; i < into.Length; i++)
                    into[i] = bigEndian ? BinaryPrimitives.ReadInt32BigEndian(raw[(4 * i)..]) : BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]);
                break;
            case NiftiDataType.UInt32:
                for (int i = 0; i < into.Length; i++)
                    into[i] = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(raw[(4 * i)..]) : BinaryPrimitives.ReadUInt32LittleEndian(raw[(4 * i)..]);
                break;
            case NiftiDataType.Float32:
                for (int i = 0; i < into.Length; i++)
                    into[i] = bigEndian ? BinaryPrimitives.ReadSingleBigEndian(raw[(4 * i)..]) : BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
                break;
            case NiftiDataType.Float64:
                for (int i = 0; i < into.Length; i++)
                    into[i] = (float)(bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(raw[(8 * i)..]) : BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]));
                break;
            default:
                throw new InvalidOperationException($"datatype {type} passed the header check but has no decoder");
        }
    }

    /// <summary>value = scl_slope * stored + scl_inter, when scl_slope is non-zero (nifti1.h); both are finite (<see cref="Check"/>).</summary>
    private static void ApplyScaling(NiftiHeader h, float[] data)
    {
        float slope = h.SclSlope, inter = h.SclInter;
        if (slope == 0) return;
        if (slope == 1 && inter == 0) return;
        for (int i = 0; i < data.Length; i++) data[i] = (float)((double)slope * data[i] + inter);
    }

    /// <summary>Reads until the span is full or the stream ends; returns the bytes read. I/O errors name the file.</summary>
    private static int ReadFully(Stream stream, Span<byte> into, string path)
    {
        try
        {
            int total = 0;
            while (total < into.Length)
            {
                int n = stream.Read(into[total..]);
                if (n == 0) break;
                total += n;
            }
            return total;
        }
        catch (InvalidDataException e)
        {
            throw new InvalidInputException(path, $"corrupt gzip stream: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new InvalidInputException(path, $"read error: {e.Message}", e);
        }
    }
}
