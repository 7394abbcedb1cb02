using System.Buffers.Binary;
using System.Text;

namespace CovidSeg.Imaging.Nifti;

/// <summary>
/// Every field of the 348-byte NIfTI-1 header, at the offsets of nifti1.h
/// (https://nifti.nimh.nih.gov/pub/dist/src/niftilib/nifti1.h). Plain mutable data: <see cref="NiftiReader"/>
/// fills it, <see cref="NiftiWriter"/> serialises it (little endian). Fields inherited from ANALYZE 7.5 that NIfTI-1
/// leaves unused (data_type, db_name, extents, session_error, regular) are kept so a header survives a round trip.
/// </summary>
public sealed class NiftiHeader
{
    /// <summary>Size of the header in bytes; always 348 for NIfTI-1 (also how the byte order is detected).</summary>
    public const int HeaderSize = 348;
    /// <summary>Header plus the 4-byte extension flag block: where voxel data start in files this library writes.</summary>
    public const int DefaultVoxOffset = 352;
    /// <summary>Magic of a single-file NIfTI-1 (<c>.nii</c>): "n+1\0".</summary>
    public const string SingleFileMagic = "n+1";
    /// <summary>Magic of a header/image pair (<c>.hdr</c> + <c>.img</c>): "ni1\0".</summary>
    public const string PairMagic = "ni1";
    /// <summary>intent_code NIFTI_INTENT_LABEL: voxel values are indices into a set of labels.</summary>
    public const short IntentLabel = 1002;

    public int SizeofHdr { get; set; } = HeaderSize;
    public string LegacyDataType { get; set; } = "";
    public string LegacyDbName { get; set; } = "";
    public int LegacyExtents { get; set; }
    public short LegacySessionError { get; set; }
    public byte LegacyRegular { get; set; }
    /// <summary>MRI slice ordering (frequency, phase, slice dimensions), two bits each.</summary>
    public byte DimInfo { get; set; }
    /// <summary>dim[0] = number of dimensions (1..7), dim[1..7] = size along each.</summary>
    public short[] Dim { get; set; } = [3, 1, 1, 1, 1, 1, 1, 1];
    public float IntentP1 { get; set; }
    public float IntentP2 { get; set; }
    public float IntentP3 { get; set; }
    public short IntentCode { get; set; }
    /// <summary>Storage type code (see <see cref="NiftiDataType"/>); a raw short so unknown codes can be reported.</summary>
    public short DataType { get; set; } = (short)NiftiDataType.Float32;
    public short BitPix { get; set; } = 32;
    public short SliceStart { get; set; }
    /// <summary>pixdim[0] = qfac (sign of the third axis for the qform, ±1), pixdim[1..7] = voxel size along each dimension.</summary>
    public float[] PixDim { get; set; } = [1, 1, 1, 1, 0, 0, 0, 0];
    /// <summary>Byte offset of the voxel data in a .nii file.</summary>
    public float VoxOffset { get; set; } = DefaultVoxOffset;
    /// <summary>Stored value v means scl_slope * v + scl_inter; ignored when scl_slope is 0.</summary>
    public float SclSlope { get; set; } = 1;
    public float SclInter { get; set; }
    public short SliceEnd { get; set; }
    public byte SliceCode { get; set; }
    /// <summary>Units of pixdim: bits 0-2 space (2 = mm), bits 3-5 time (8 = s).</summary>
    public byte XyztUnits { get; set; }
    public float CalMax { get; set; }
    public float CalMin { get; set; }
    public float SliceDuration { get; set; }
    public float TOffset { get; set; }
    public int GlMax { get; set; }
    public int GlMin { get; set; }
    /// <summary>Free text, at most 79 ASCII characters.</summary>
    public string Descrip { get; set; } = "";
    public string AuxFile { get; set; } = "";
    /// <summary>&gt; 0 when the quaternion fields give the voxel-to-world transform.</summary>
    public short QformCode { get; set; }
    /// <summary>&gt; 0 when srow_x/y/z give the voxel-to-world transform (preferred over the qform).</summary>
    public short SformCode { get; set; }
    public float QuaternB { get; set; }
    public float QuaternC { get; set; }
    public float QuaternD { get; set; }
    public float QOffsetX { get; set; }
    public float QOffsetY { get; set; }
    public float QOffsetZ { get; set; }
    public float[] SRowX { get; set; } = [0, 0, 0, 0];
    public float[] SRowY { get; set; } = [0, 0, 0, 0];
    public float[] SRowZ { get; set; } = [0, 0, 0, 0];
    public string IntentName { get; set; } = "";
    /// <summary>"n+1" for a single .nii file (stored with a trailing NUL).</summary>
    public string Magic { get; set; } = SingleFileMagic;

    /// <summary>A header for a new volume of nx x ny x nz voxels of the given size (mm), axis-aligned at the origin.</summary>
    public static NiftiHeader Create(int nx, int ny, int nz, double dx = 1, double dy = 1, double dz = 1)
    {
        var h = new NiftiHeader
        {
            Dim = [(short)(nz > 1 ? 3 : 2), checked((short)nx), checked((short)ny), checked((short)nz), 1, 1, 1, 1],
            PixDim = [1, (float)dx, (float)dy, (float)dz, 0, 0, 0, 0],
            XyztUnits = 2 | 8, // mm and seconds
            // Scanner-anatomical alignment given both ways, so any reader finds the same geometry.
            QformCode = 1,
            SformCode = 1,
            SRowX = [(float)dx, 0, 0, 0],
            SRowY = [0, (float)dy, 0, 0],
            SRowZ = [0, 0, (float)dz, 0],
        };
        return h;
    }

    public NiftiHeader Clone()
    {
        var copy = (NiftiHeader)MemberwiseClone();
        copy.Dim = (short[])Dim.Clone();
        copy.PixDim = (float[])PixDim.Clone();
        copy.SRowX = (float[])SRowX.Clone();
        copy.SRowY = (float[])SRowY.Clone();
        copy.SRowZ = (float[])SRowZ.Clone();
        return copy;
    }

    /// <summary>Decodes the first 348 bytes of <paramref name="bytes"/> in the given byte order. No validation.</summary>
    public static NiftiHeader Parse(ReadOnlySpan<byte> bytes, bool bigEndian)
    {
        if (bytes.Length < HeaderSize) throw new ArgumentException($"a NIfTI-1 header needs {HeaderSize} bytes, got {bytes.Length}");
        var r = new FieldReader(bytes, bigEndian);
        var dim = new short[8];
        var pixdim = new float[8];
        for (int i = 0; i < 8; i++)
        {
            dim[i] = r.Int16(40 + 2 * i);
            pixdim[i] = r.Single(76 + 4 * i);
        }
        float[] srowX = new float[4], srowY = new float[4], srowZ = new float[4];
        for (int i = 0; i < 4; i++)
        {
            srowX[i] = r.Single(280 + 4 * i);
            srowY[i] = r.Single(296 + 4 * i);
            srowZ[i] = r.Single(312 + 4 * i);
        }
        return new NiftiHeader
        {
            SizeofHdr = r.Int32(0),
            LegacyDataType = r.Text(4, 10),
            LegacyDbName = r.Text(14, 18),
            LegacyExtents = r.Int32(32),
            LegacySessionError = r.Int16(36),
            LegacyRegular = bytes[38],
            DimInfo = bytes[39],
            Dim = dim,
            IntentP1 = r.Single(56),
            IntentP2 = r.Single(60),
            IntentP3 = r.Single(64),
            IntentCode = r.Int16(68),
            DataType = r.Int16(70),
            BitPix = r.Int16(72),
            SliceStart = r.Int16(74),
            PixDim = pixdim,
            VoxOffset = r.Single(108),
            SclSlope = r.Single(112),
            SclInter = r.Single(116),
            SliceEnd = r.Int16(120),
            SliceCode = bytes[122],
            XyztUnits = bytes[123],
            CalMax = r.Single(124),
            CalMin = r.Single(128),
            SliceDuration = r.Single(132),
            TOffset = r.Single(136),
            GlMax = r.Int32(140),
            GlMin = r.Int32(144),
            Descrip = r.Text(148, 80),
            AuxFile = r.Text(228, 24),
            QformCode = r.Int16(252),
            SformCode = r.Int16(254),
            QuaternB = r.Single(256),
            QuaternC = r.Single(260),
            QuaternD = r.Single(264),
            QOffsetX = r.Single(268),
            QOffsetY = r.Single(272),
            QOffsetZ = r.Single(276),
            SRowX = srowX,
            SRowY = srowY,
            SRowZ = srowZ,
            IntentName = r.Text(328, 16),
            Magic = r.Text(344, 4),
        };
    }

    /// <summary>Encodes this header, little endian, into the first 348 bytes of <paramref name="bytes"/>.</summary>
    public void WriteLittleEndian(Span<byte> bytes)
    {
        if (bytes.Length < HeaderSize) throw new ArgumentException($"a NIfTI-1 header needs {HeaderSize} bytes, got {bytes.Length}");
        if (Dim.Length != 8 || PixDim.Length != 8 || SRowX.Length != 4 || SRowY.Length != 4 || SRowZ.Length != 4)
            throw new InvalidOperationException("dim and pixdim need 8 entries, srow_x/y/z 4 each");
        bytes[..HeaderSize].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(bytes[0..], SizeofHdr);
        PutText(bytes, 4, 10, LegacyDataType);
        PutText(bytes, 14, 18, LegacyDbName);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[32..], LegacyExtents);
        BinaryPrimitives.WriteInt16LittleEndian(bytes[36..], LegacySessionError);
        bytes[38] = LegacyRegular;
        bytes[39] = DimInfo;
        for (int i = 0; i < 8; i++) BinaryPrimitives.WriteInt16LittleEndian(bytes[(40 + 2 * i)..], Dim[i]);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[56..], IntentP1);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[60..], IntentP2);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[64..], IntentP3);
        BinaryPrimitives.WriteInt16LittleEndian(bytes[68..], IntentCode);
        BinaryPrimitives.WriteInt16LittleEndian(bytes[70..], DataType);
        BinaryPrimitives.WriteInt16LittleEndian(bytes[72..], BitPix);
        BinaryPrimitives.WriteInt16LittleEndian(bytes[74..], SliceStart);
        for (int i = 0; i < 8; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes[(76 + 4 * i)..], PixDim[i]);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[108..], VoxOffset);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[112..], SclSlope);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[116..], SclInter);
        BinaryPrimitives.WriteInt16LittleEndian(bytes[120..], SliceEnd);
        bytes[122] = SliceCode;
        bytes[123] = XyztUnits;
        BinaryPrimitives.WriteSingleLittleEndian(bytes[124..], CalMax);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[128..], CalMin);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[132..], SliceDuration);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[136..], TOffset);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[140..], GlMax);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[144..], GlMin);
        PutText(bytes, 148, 80, Descrip);
        PutText(bytes, 228, 24, AuxFile);
        BinaryPrimitives.WriteInt16LittleEndian(bytes[252..], QformCode);
        BinaryPrimitives.WriteInt16LittleEndian(bytes[254..], SformCode);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[256..], QuaternB);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[260..], QuaternC);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[264..], QuaternD);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[268..], QOffsetX);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[272..], QOffsetY);
        BinaryPrimitives.WriteSingleLittleEndian(bytes[276..], QOffsetZ);
        for (int i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes[(280 + 4 * i)..], SRowX[i]);
            BinaryPrimitives.WriteSingleLittleEndian(bytes[(296 + 4 * i)..], SRowY[i]);
            BinaryPrimitives.WriteSingleLittleEndian(bytes[(312 + 4 * i)..], SRowZ[i]);
        }
        PutText(bytes, 328, 16, IntentName);
        PutText(bytes, 344, 4, Magic);
    }

    /// <summary>ASCII text, truncated so at least one NUL terminates it inside its field.</summary>
    private static void PutText(Span<byte> bytes, int offset, int length, string text)
    {
        var field = bytes.Slice(offset, length);
        field.Clear();
        for (int i = 0; i < Math.Min(text.Length, length - 1); i++)
            field[i] = text[i] < 128 ? (byte)text[i] : (byte)'?';
    }

    /// <summary>Reads fixed-offset fields in either byte order.</summary>
    private readonly ref struct FieldReader(ReadOnlySpan<byte> bytes, bool bigEndian)
    {
        private readonly ReadOnlySpan<byte> bytes = bytes;

        public short Int16(int offset) => bigEndian
            ? BinaryPrimitives.ReadInt16BigEndian(this.bytes[offset..])
            : BinaryPrimitives.ReadInt16LittleEndian(this.bytes[offset..]);

        public int Int32(int offset) => bigEndian
            ? BinaryPrimitives.ReadInt32BigEndian(this.bytes[offset..])
            : BinaryPrimitives.ReadInt32LittleEndian(this.bytes[offset..]);

        public float Single(int offset) => bigEndian
            ? BinaryPrimitives.ReadSingleBigEndian(this.bytes[offset..])
            : BinaryPrimitives.ReadSingleLittleEndian(this.bytes[offset..]);

        /// <summary>A NUL-terminated ASCII field; bytes after the first NUL are ignored.</summary>
        public string Text(int offset, int length)
        {
            var field = this.bytes.Slice(offset, length);
            int end = field.IndexOf((byte)0);
            if (end < 0) end = length;
            return Encoding.Latin1.GetString(field[..end]);
        }
    }
}
