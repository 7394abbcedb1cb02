using CovidSeg.IO;
using System.Buffers.Binary;
using System.IO.Compression;

namespace CovidSeg.Imaging.Nifti;

/// <summary>
/// Writes single-file NIfTI-1 images (nifti1.h): <c>.nii</c>, or gzip-compressed when the name ends in
/// <c>.nii.gz</c>. Always little endian, magic "n+1", vox_offset 352 with the 4-byte extension flag block zeroed
/// (no extensions), scl_slope 1 and scl_inter 0 (values are stored as they are, rounded for integer types).
/// The file is written under a temporary name in the same folder and renamed when complete, so a crash never
/// leaves a half-written image under the final name.
/// </summary>
public static class NiftiWriter
{
    private const int ChunkVoxels = 1 << 18;

    /// <summary>Writes <paramref name="volume"/> with its header's geometry, storing voxels as <paramref name="storeAs"/>.</summary>
    public static void Write(string path, NiftiVolume volume, NiftiDataType storeAs)
    {
        var header = HeaderFor(volume, storeAs);
        CheckValuesFit(path, volume, storeAs);
        WriteAtomically(path, stream =>
        {
            var headerBytes = new byte[NiftiHeader.DefaultVoxOffset]; // 348-byte header + 4 zero bytes: "no extensions"
            header.WriteLittleEndian(headerBytes);
            stream.Write(headerBytes);
            WriteVoxels(stream, volume.Data, storeAs);
        });
    }

    /// <summary>
    /// Writes a uint8 label volume on the grid of <paramref name="reference"/> (same dims, pixdim, xyzt_units,
    /// qform/sform codes and parameters, srow), so ITK-SNAP and 3D Slicer overlay it on the reference image.
    /// Labels are x fastest like the reference's voxels; intent is NIFTI_INTENT_LABEL, cal_min/cal_max 0..largest label.
    /// </summary>
    public static void WriteLabelsLike(string path, NiftiHeader reference, byte[] labels)
    {
        var header = reference.Clone();
        header.IntentCode = NiftiHeader.IntentLabel;
        header.IntentName = "";
        header.IntentP1 = header.IntentP2 = header.IntentP3 = 0;
        header.CalMin = 0;
        header.CalMax = labels.Length == 0 ? 0 : labels.Max();
        header.Descrip = "CovidSeg labels";
        long voxels = 1;
        for (int i = 1; i <= header.Dim[0]; i++) voxels *= header.Dim[i];
        if (voxels != labels.Length) throw new ArgumentException($"the reference grid has {voxels} voxels, got {labels.Length} labels", nameof(labels));
        // The bytes are the voxels: no float copy of the volume (4 bytes a voxel) on the way out.
        var stored = StorageHeader(header, NiftiDataType.UInt8);
        WriteAtomically(path, stream =>
        {
            var headerBytes = new byte[NiftiHeader.DefaultVoxOffset];
            stored.WriteLittleEndian(headerBytes);
            stream.Write(headerBytes);
            stream.Write(labels);
        });
    }

    /// <summary>The header that <see cref="Write"/> puts in the file: the volume's, with the storage fields set.</summary>
    public static NiftiHeader HeaderFor(NiftiVolume volume, NiftiDataType storeAs) => StorageHeader(volume.Header, storeAs);

    private static NiftiHeader StorageHeader(NiftiHeader header, NiftiDataType storeAs)
    {
        if (!NiftiDataTypes.IsWritable(storeAs))
            throw new ArgumentException($"cannot write {storeAs}; use uint8, int16, int32, float32 or float64", nameof(storeAs));
        var h = header.Clone();
        h.SizeofHdr = NiftiHeader.HeaderSize;
        h.DataType = (short)storeAs;
        h.BitPix = (short)(8 * NiftiDataTypes.BytesPerVoxel(storeAs));
        h.VoxOffset = NiftiHeader.DefaultVoxOffset;
        h.SclSlope = 1;
        h.SclInter = 0;
        h.GlMax = 0;
        h.GlMin = 0;
        h.Magic = NiftiHeader.SingleFileMagic;
        // Unused dimensions are 1 (nifti1.h), whatever the source header left there.
        for (int i = h.Dim[0] + 1; i < 8; i++) h.Dim[i] = 1;
        return h;
    }

    private static bool IsCompressedName(string path) => path.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase);

    private static void CheckValuesFit(string path, NiftiVolume volume, NiftiDataType storeAs)
    {
        var (min, max) = NiftiDataTypes.Range(storeAs);
        if (!double.IsFinite(min)) return; // float32/float64 hold any float value, NaN included
        float[] data = volume.Data;
        for (int i = 0; i < data.Length; i++)
        {
            float v = data[i];
            if (!(float.IsFinite(v) && Round(v) >= min && Round(v) <= max))
            {
                int x = i % volume.Nx, y = i / volume.Nx % volume.Ny, z = i / (volume.Nx * volume.Ny);
                throw new InvalidInputException(path, $"value {v} at voxel ({x}, {y}, {z}) does not fit {NiftiDataTypes.NameOf((short)storeAs)} ({min}..{max})");
            }
        }
    }

    private static double Round(float v) => Math.Round((double)v, MidpointRounding.AwayFromZero);

    private static void WriteVoxels(Stream stream, float[] data, NiftiDataType type)
    {
        int size = NiftiDataTypes.BytesPerVoxel(type);
        var buffer = new byte[ChunkVoxels * size];
        for (int start = 0; start < data.Length; start += ChunkVoxels)
        {
            int count = Math.Min(ChunkVoxels, data.Length - start);
            Span<byte> raw = buffer.AsSpan(0, count * size);
            ReadOnlySpan<float> values = data.AsSpan(start, count);
            switch (type)
            {
                case NiftiDataType.UInt8:
                    for (int i = 0; i < count; i++) raw[i] = (byte)Round(values[i]);
                    break;
                case NiftiDataType.Int16:
                    for (int i = 0; i < count; i++) BinaryPrimitives.WriteInt16LittleEndian(raw[(2 * i)..], (short)Round(values[i]));
                    break;
                case NiftiDataType.Int32:
                    for (int i = 0; i < count; i++) BinaryPrimitives.WriteInt32LittleEndian(raw[(4 * i)..], (int)Round(values[i]));
                    break;
                case NiftiDataType.Float32:
                    for (int i = 0; i < count; i++) BinaryPrimitives.WriteSingleLittleEndian(raw[(4 * i)..], values[i]);
                    break;
                case NiftiDataType.Float64:
                    for (int i = 0; i < count; i++) BinaryPrimitives.WriteDoubleLittleEndian(raw[(8 * i)..], values[i]);
                    break;
                default:
                    throw new ArgumentException($"cannot write {type}");
            }
            stream.Write(raw);
        }
    }

    /// <summary>Runs <paramref name="write"/> on a temporary file beside <paramref name="path"/>, then renames it into place.</summary>
    private static void WriteAtomically(string path, Action<Stream> write)
    {
        bool compressed = IsCompressedName(path);
        if (!compressed && !path.EndsWith(".nii", StringComparison.OrdinalIgnoreCase))
            throw new InvalidInputException(path, "a NIfTI output name must end in .nii or .nii.gz");
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(folder))
            throw new InvalidInputException(path, $"output folder {folder} does not exist");
        try
        {
            AtomicFile.Write(full, file =>
            {
                if (!compressed)
                {
                    write(file);
                    return;
                }
                using var gzip = new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true);
                write(gzip);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(path, $"cannot write: {e.Message}", e);
        }
    }
}
