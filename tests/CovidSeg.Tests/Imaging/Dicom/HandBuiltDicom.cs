using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>
/// DICOM files assembled byte by byte in Explicit VR Little Endian (PS3.5 7.1.2), so tests can build valid slices
/// and then break exactly one thing: a length, a VR, a transfer syntax.
/// </summary>
public static class HandBuiltDicom
{
    public const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private static int instances;

    /// <summary>One element; lengths given explicitly override the value's length (to lie about it).</summary>
    public static byte[] Element(ushort group, ushort element, string vr, byte[] value, uint? length = null)
    {
        bool longForm = vr is "OB" or "OW" or "SQ" or "UN" or "UT";
        var header = new byte[longForm ? 12 : 8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, group);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), element);
        header[4] = (byte)vr[0];
        header[5] = (byte)vr[1];
        if (longForm) BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), length ?? (uint)value.Length);
        else BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), (ushort)(length ?? (uint)value.Length));
        return [.. header, .. value];
    }

    public static byte[] Text(ushort group, ushort element, string vr, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        if (bytes.Length % 2 == 1) bytes = [.. bytes, vr == "UI" ? (byte)0 : (byte)' '];
        return Element(group, element, vr, bytes);
    }

    public static byte[] UShort(ushort group, ushort element, ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return Element(group, element, "US", bytes);
    }

    /// <summary>Preamble, "DICM", file meta (with group length) and the data set bytes.</summary>
    public static byte[] Part10(string transferSyntax, string sopInstance, byte[] dataset)
    {
        byte[] meta = [
            .. Element(0x0002, 0x0001, "OB", [0, 1]),
            .. Text(0x0002, 0x0002, "UI", CtImageStorage),
            .. Text(0x0002, 0x0003, "UI", sopInstance),
            .. Text(0x0002, 0x0010, "UI", transferSyntax),
        ];
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)meta.Length);
        return [.. new byte[128], .. "DICM"u8, .. Element(0x0002, 0x0000, "UL", length), .. meta, .. dataset];
    }

    /// <summary>The data set of a rows x columns CT slice, int16 stored values = HU + 1024 (slope 1, intercept -1024), pixel data last.</summary>
    public static byte[] CtDataset(string sopInstance, double[] position, double[]? orientation = null, int rows = 2, int columns = 3,
        string series = "1.2.826.0.1.3680043.13.20", string modality = "CT", short fill = 0, string frameOfReference = "1.2.826.0.1.3680043.13.30",
        byte[]? pixelData = null)
    {
        orientation ??= [1, 0, 0, 0, 1, 0];
        string D(IEnumerable<double> v) => string.Join('\\', v.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));
        var pixels = pixelData;
        if (pixels is null)
        {
            pixels = new byte[rows * columns * 2];
            for (int i = 0; i < rows * columns; i++) BinaryPrimitives.WriteInt16LittleEndian(pixels.AsSpan(2 * i), (short)(fill + i));
        }
        return [
            .. Text(0x0008, 0x0016, "UI", CtImageStorage),
            .. Text(0x0008, 0x0018, "UI", sopInstance),
            .. Text(0x0008, 0x0060, "CS", modality),
            .. Text(0x0008, 0x103E, "LO", modality == "CT" ? "lungs" : "other"),
            .. Text(0x0020, 0x000D, "UI", "1.2.826.0.1.3680043.13.10"),
            .. Text(0x0020, 0x000E, "UI", series),
            .. Text(0x0020, 0x0032, "DS", D(position)),
            .. Text(0x0020, 0x0037, "DS", D(orientation)),
            .. Text(0x0020, 0x0052, "UI", frameOfReference),
            .. UShort(0x0028, 0x0002, 1),
            .. Text(0x0028, 0x0004, "CS", "MONOCHROME2"),
            .. UShort(0x0028, 0x0010, (ushort)rows),
            .. UShort(0x0028, 0x0011, (ushort)columns),
            .. Text(0x0028, 0x0030, "DS", "0.5\\0.5"),
            .. UShort(0x0028, 0x0100, 16),
            .. UShort(0x0028, 0x0101, 16),
            .. UShort(0x0028, 0x0102, 15),
            .. UShort(0x0028, 0x0103, 1),
            .. Text(0x0028, 0x1052, "DS", "-1024"),
            .. Text(0x0028, 0x1053, "DS", "1"),
            .. Element(0x7FE0, 0x0010, "OW", pixels),
        ];
    }

    /// <summary>Writes a valid slice file and returns its path.</summary>
    public static string WriteSlice(string folder, string name, double z, double[]? orientation = null, int rows = 2, int columns = 3,
        string series = "1.2.826.0.1.3680043.13.20", string modality = "CT", double x = 0)
    {
        string uid = "1.2.826.0.1.3680043.13.40." + Interlocked.Increment(ref instances).ToString(CultureInfo.InvariantCulture);
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, Part10("1.2.840.10008.1.2.1", uid, CtDataset(uid, [x, 0, z], orientation, rows, columns, series, modality)));
        return path;
    }
}
