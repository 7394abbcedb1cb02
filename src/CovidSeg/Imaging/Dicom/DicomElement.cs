namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// One attribute: its tag, its value representation and either its value bytes (as stored, little endian, with
/// padding), the items of a sequence, or the fragments of encapsulated (compressed) pixel data.
/// </summary>
public sealed class DicomElement
{
    public DicomElement(DicomTag tag, string vr, ReadOnlyMemory<byte> value)
    {
        Tag = tag;
        Vr = vr;
        Value = value;
    }

    public DicomElement(DicomTag tag, IReadOnlyList<DicomDataset> items)
    {
        Tag = tag;
        Vr = "SQ";
        Items = items;
    }

    /// <summary>Encapsulated pixel data: the basic offset table item is dropped; one fragment list for the whole element.</summary>
    public DicomElement(DicomTag tag, string vr, IReadOnlyList<ReadOnlyMemory<byte>> fragments)
    {
        Tag = tag;
        Vr = vr;
        Fragments = fragments;
    }

    public DicomTag Tag { get; }
    public string Vr { get; }
    public ReadOnlyMemory<byte> Value { get; }
    public IReadOnlyList<DicomDataset>? Items { get; }
    public IReadOnlyList<ReadOnlyMemory<byte>>? Fragments { get; }
}
