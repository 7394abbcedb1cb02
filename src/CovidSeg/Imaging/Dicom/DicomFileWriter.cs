using System.Buffers.Binary;
using System.Text;
using CovidSeg.IO;

namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// Writes a data set as a DICOM Part 10 file in Explicit VR Little Endian (PS3.10 7, PS3.5 7.1.2): preamble,
/// "DICM", the file meta group with its group length, then the elements in tag order. Sequences and items get
/// defined lengths. The file appears under its name only when complete (<see cref="AtomicFile"/>).
/// </summary>
public static class DicomFileWriter
{
    public const string ImplementationVersionName = "COVIDSEG_0_1";
    private static readonly HashSet<string> LongFormVrs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"];

    public static void Write(string path, DicomDataset dataset)
    {
        string sopClass = dataset.GetString(DicomTags.SopClassUid) ?? throw new ArgumentException("the data set has no SOP Class UID");
        string sopInstance = dataset.GetString(DicomTags.SopInstanceUid) ?? throw new ArgumentException("the data set has no SOP Instance UID");
        var meta = new DicomDataset();
        meta.Set(new DicomElement(DicomTags.FileMetaInformationVersion, "OB", new byte[] { 0, 1 }));
        meta.SetString(DicomTags.MediaStorageSopClassUid, "UI", sopClass);
        meta.SetString(DicomTags.MediaStorageSopInstanceUid, "UI", sopInstance);
        meta.SetString(DicomTags.TransferSyntaxUid, "UI", DicomTransferSyntax.ExplicitVrLittleEndianUid);
        meta.SetString(DicomTags.ImplementationClassUid, "UI", DicomUid.ImplementationClassUid);
        meta.SetString(DicomTags.ImplementationVersionName, "SH", ImplementationVersionName);
        byte[] metaBytes = Encode(meta);

        AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[128]);
            stream.Write("DICM"u8);
            var groupLength = new DicomDataset();
            groupLength.SetUInt32(DicomTags.FileMetaInformationGroupLength, "UL", (uint)metaBytes.Length);
            stream.Write(Encode(groupLength));
            stream.Write(metaBytes);
            stream.Write(Encode(dataset));
        });
    }

    /// <summary>The elements of a data set, Explicit VR Little Endian, in tag order.</summary>
    public static byte[] Encode(DicomDataset dataset)
    {
        using var output = new MemoryStream();
        foreach (var element in dataset.Elements) WriteElement(output, element);
        return output.ToArray();
    }

    private static void WriteElement(Stream output, DicomElement element)
    {
        ReadOnlySpan<byte> value;
        byte[]? built = null;
        if (element.Items is { } items)
        {
            using var sequence = new MemoryStream();
            foreach (var item in items)
            {
                byte[] body = Encode(item);
                WriteTagAndLength(sequence, DicomTags.Item, (uint)body.Length);
                sequence.Write(body);
            }
            built = sequence.ToArray();
            value = built;
        }
        else if (element.Fragments is not null)
        {
            throw new NotSupportedException("writing encapsulated pixel data is not supported");
        }
        else
        {
            value = element.Value.Span;
            if (value.Length % 2 == 1)
            {
                built = [.. value, 0]; // OB, UN and friends pad with NUL (strings are padded when set)
                value = built;
            }
        }

        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(header, element.Tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element.Tag.Element);
        Encoding.ASCII.GetBytes(element.Vr, header[4..6]);
        if (LongFormVrs.Contains(element.Vr))
        {
            header[6] = 0;
            header[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)value.Length);
            output.Write(header);
        }
        else
        {
            if (value.Length > ushort.MaxValue) throw new ArgumentException($"element {element.Tag} ({element.Vr}) is {value.Length} bytes, more than a 16-bit length allows");
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)value.Length);
            output.Write(header[..8]);
        }
        output.Write(value);
    }

    private static void WriteTagAndLength(Stream output, DicomTag tag, uint length)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], tag.Element);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], length);
        output.Write(header);
    }
}
