namespace CovidSeg.Imaging.Dicom;

/// <summary>A DICOM attribute tag (group, element), printed as the standard writes it: (0028,0010).</summary>
public readonly record struct DicomTag(ushort Group, ushort Element) : IComparable<DicomTag>
{
    /// <summary>Tags sort by group then element: the order elements must have in a data set (PS3.5 7.1).</summary>
    public int CompareTo(DicomTag other) => ((uint)Group << 16 | Element).CompareTo((uint)other.Group << 16 | other.Element);

    public override string ToString() => $"({Group:X4},{Element:X4})";
}
