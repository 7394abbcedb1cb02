using System.Buffers.Binary;

namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// Reads DICOM Part 10 files (PS3.10 7: 128-byte preamble, "DICM", file meta group in Explicit VR Little Endian)
/// whose data set is Implicit or Explicit VR Little Endian, or encapsulated RLE / JPEG Lossless (PS3.5 7 and Annex A). Strict: every
/// length is checked against the bytes that remain before anything is kept, undefined lengths are accepted only
/// where the standard allows them (sequences, items, encapsulated pixel data), and any fault raises
/// <see cref="InvalidInputException"/> naming the file, the tag and the byte offset.
/// </summary>
public static class DicomFileReader
{
    /// <summary>Largest file read: one managed byte array.</summary>
    public const long MaxFileBytes = 0x7FFFFFC7;
    /// <summary>Sequences nested deeper than this are refused (no real image needs more; a crafted file could recurse without end).</summary>
    public const int MaxSequenceDepth = 16;
    private const uint UndefinedLength = 0xFFFFFFFF;
    private const int PreambleLength = 128;

    /// <summary>True when the file has the Part 10 signature "DICM" after a 128-byte preamble.</summary>
    public static bool HasPart10Signature(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            Span<byte> head = stackalloc byte[PreambleLength + 4];
            int total = 0;
            while (total < head.Length)
            {
                int n = stream.Read(head[total..]);
                if (n == 0) return false;
                total += n;
            }
            return IsSignature(head[PreambleLength..]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsSignature(ReadOnlySpan<byte> four) => four[0] == 'D' && four[1] == 'I' && four[2] == 'C' && four[3] == 'M';

    public static DicomFile Read(string path)
    {
        byte[] bytes = ReadAllBytes(path);
        if (bytes.Length < PreambleLength + 4 || !IsSignature(bytes.AsSpan(PreambleLength, 4)))
            throw new InvalidInputException(path, "not a DICOM Part 10 file: no \"DICM\" after the 128-byte preamble");
        var parser = new Parser(bytes, path);
        int pos = PreambleLength + 4;
        var meta = parser.ReadFileMeta(ref pos);
        string uid = meta.GetString(DicomTags.TransferSyntaxUid)
            ?? throw new InvalidInputException(path, "the file meta information has no Transfer Syntax UID (0002,0010)");
        var syntax = DicomTransferSyntax.Of(uid, path);
        var dataset = new DicomDataset(path);
        parser.ReadElements(ref pos, bytes.Length, syntax, 0, dataset, insideUndefinedItem: false);
        return new DicomFile(path, meta, dataset, syntax);
    }

    private static byte[] ReadAllBytes(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new InvalidInputException(path, "file not found");
            if (info.Length > MaxFileBytes)
                throw new InvalidInputException(path, $"file is {info.Length} bytes, more than the {MaxFileBytes} this reader holds in memory");
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(path, $"cannot read: {e.Message}", e);
        }
    }

    /// <summary>Walks the bytes of one file; every method checks bounds before reading.</summary>
    private sealed class Parser(byte[] bytes, string path)
    {
        private static readonly HashSet<string> LongFormVrs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"];

        private InvalidInputException Fault(string message) => new(path, message);

        public DicomDataset ReadFileMeta(ref int pos)
        {
            var meta = new DicomDataset(path);
            // The group is always Explicit VR Little Endian; it ends where the first non-0002 tag starts.
            while (pos + 2 <= bytes.Length && BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(pos)) == 0x0002)
            {
                var element = ReadOne(ref pos, bytes.Length, DicomTransferSyntax.ExplicitVrLittleEndian, 0);
                if (element is null) throw Fault("item delimiter inside the file meta information");
                meta.Set(element);
            }
            if (meta.Elements.FirstOrDefault() is null) throw Fault("no file meta information (group 0002) after \"DICM\"");
            return meta;
        }

        /// <summary>Reads elements into <paramref name="into"/> until <paramref name="end"/>, or until an item delimiter when inside an undefined-length item.</summary>
        public void ReadElements(ref int pos, int end, DicomTransferSyntax syntax, int depth, DicomDataset into, bool insideUndefinedItem)
        {
            while (pos < end)
            {
                var element = ReadOne(ref pos, end, syntax, depth);
                if (element is null)
                {
                    if (insideUndefinedItem) return;
                    throw Fault($"item delimiter (FFFE,E00D) at byte {pos - 8} outside an item");
                }
                into.Set(element);
            }
            if (insideUndefinedItem) throw Fault("truncated file: an item of undefined length has no item delimiter (FFFE,E00D)");
        }

        /// <summary>One element at <paramref name="pos"/>; null for an item delimiter (which is consumed).</summary>
        private DicomElement? ReadOne(ref int pos, int end, DicomTransferSyntax syntax, int depth)
        {
            int start = pos;
            if (end - pos < 8) throw Fault($"truncated element at byte {start}: {end - pos} bytes left, an element header needs at least 8");
            var tag = new DicomTag(U16(pos), U16(pos + 2));
            if (tag == DicomTags.ItemDelimitation)
            {
                pos += 8;
                return null;
            }
            if (tag.Group == 0xFFFE) throw Fault($"unexpected {tag} at byte {start} outside a sequence");

            string vr;
            uint length;
            if (syntax.ExplicitVr)
            {
                vr = VrAt(pos + 4, tag, start);
                if (LongFormVrs.Contains(vr))
                {
                    if (end - pos < 12) throw Fault($"truncated element {tag} at byte {start}: its header needs 12 bytes, {end - pos} left");
                    length = U32(pos + 8);
                    pos += 12;
                }
                else
                {
                    length = U16(pos + 6);
                    pos += 8;
                }
            }
            else
            {
                vr = DicomDictionary.VrOf(tag);
                length = U32(pos + 4);
                pos += 8;
            }

            if (length == UndefinedLength)
            {
                if (tag == DicomTags.PixelData)
                {
                    if (!syntax.Encapsulated) throw Fault($"pixel data {tag} at byte {start} is encapsulated (undefined length) but the transfer syntax {syntax.Name} is not compressed");
                    return new DicomElement(tag, vr, ReadFragments(ref pos, end, tag));
                }
                // Undefined length is legal only for sequences; in implicit VR (and for UN) it marks one (PS3.5 6.2.2, 7.5).
                if (vr == "SQ" || vr == "UN")
                {
                    var itemSyntax = vr == "UN" ? DicomTransferSyntax.ImplicitVrLittleEndian : syntax;
                    return new DicomElement(tag, ReadItems(ref pos, end, itemSyntax, depth + 1, undefinedLength: true, tag));
                }
                throw Fault($"element {tag} ({vr}) at byte {start} has undefined length, which only sequences and encapsulated pixel data may have");
            }

            if (length > (uint)(end - pos))
                throw Fault($"element {tag} at byte {start} says its value is {length} bytes but only {end - pos} remain (truncated or corrupt file)");
            int valueEnd = pos + (int)length;
            if (vr == "SQ")
            {
                var items = ReadItems(ref pos, valueEnd, syntax, depth + 1, undefinedLength: false, tag);
                pos = valueEnd;
                return new DicomElement(tag, items);
            }
            var value = new ReadOnlyMemory<byte>(bytes, pos, (int)length);
            pos = valueEnd;
            return new DicomElement(tag, vr, value);
        }

        private List<DicomDataset> ReadItems(ref int pos, int end, DicomTransferSyntax syntax, int depth, bool undefinedLength, DicomTag sequence)
        {
            if (depth > MaxSequenceDepth) throw Fault($"sequences nested more than {MaxSequenceDepth} deep at {sequence}");
            var items = new List<DicomDataset>();
            while (true)
            {
                if (pos >= end)
                {
                    if (undefinedLength) throw Fault($"truncated file: sequence {sequence} has no sequence delimiter (FFFE,E0DD)");
                    return items;
                }
                if (end - pos < 8) throw Fault($"truncated item header in sequence {sequence} at byte {pos}");
                var tag = new DicomTag(U16(pos), U16(pos + 2));
                uint length = U32(pos + 4);
                int start = pos;
                pos += 8;
                if (tag == DicomTags.SequenceDelimitation)
                {
                    if (!undefinedLength) throw Fault($"sequence delimiter at byte {start} inside sequence {sequence} of defined length");
                    return items;
                }
                if (tag != DicomTags.Item) throw Fault($"sequence {sequence} holds {tag} at byte {start} where an item (FFFE,E000) must be");
                var item = new DicomDataset(path);
                if (length == UndefinedLength)
                {
                    ReadElements(ref pos, end, syntax, depth, item, insideUndefinedItem: true);
                }
                else
                {
                    if (length > (uint)(end - pos)) throw Fault($"item at byte {start} in sequence {sequence} says {length} bytes but only {end - pos} remain");
                    int itemEnd = pos + (int)length;
                    ReadElements(ref pos, itemEnd, syntax, depth, item, insideUndefinedItem: false);
                }
                items.Add(item);
            }
        }

        /// <summary>Encapsulated pixel data (PS3.5 A.4): a basic offset table item, then fragment items, then a sequence delimiter.</summary>
        private List<ReadOnlyMemory<byte>> ReadFragments(ref int pos, int end, DicomTag tag)
        {
            var fragments = new List<ReadOnlyMemory<byte>>();
            bool offsetTable = true;
            while (true)
            {
                if (end - pos < 8) throw Fault($"truncated encapsulated pixel data {tag}: no sequence delimiter (FFFE,E0DD) before the end of the file");
                var item = new DicomTag(U16(pos), U16(pos + 2));
                uint length = U32(pos + 4);
                int start = pos;
                pos += 8;
                if (item == DicomTags.SequenceDelimitation) return fragments;
                if (item != DicomTags.Item) throw Fault($"encapsulated pixel data holds {item} at byte {start} where an item (FFFE,E000) must be");
                if (length > (uint)(end - pos)) throw Fault($"pixel data fragment at byte {start} says {length} bytes but only {end - pos} remain");
                if (!offsetTable) fragments.Add(new ReadOnlyMemory<byte>(bytes, pos, (int)length));
                offsetTable = false;
                pos += (int)length;
            }
        }

        private string VrAt(int pos, DicomTag tag, int start)
        {
            char a = (char)bytes[pos], b = (char)bytes[pos + 1];
            if (a is < 'A' or > 'Z' || b is < 'A' or > 'Z')
                throw Fault($"element {tag} at byte {start} has no valid VR (bytes 0x{bytes[pos]:X2} 0x{bytes[pos + 1]:X2}); the file may be Implicit VR despite its transfer syntax");
            return new string([a, b]);
        }

        private ushort U16(int at) => BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at));
        private uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
    }
}
