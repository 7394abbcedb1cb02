using CovidSeg.Imaging.Nifti;

namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// A CT series ready to segment: its single-frame slices sorted along the slice normal (never by file name or
/// Instance Number), one orientation, pixel spacing and size, and evenly spaced positions
/// (<see cref="DicomSeriesAssembler"/> checks all this). Voxel (x, y, z) is column x, row y of slice z, so a label
/// volume in this layout is also the frame layout of a segmentation of the series.
/// </summary>
public sealed class DicomSeries
{
    internal DicomSeries(string source, IReadOnlyList<DicomSlice> slices, double sliceSpacing)
    {
        Source = source;
        Slices = slices;
        SliceSpacing = sliceSpacing;
    }

    /// <summary>The folder or file the series was read from.</summary>
    public string Source { get; }
    public IReadOnlyList<DicomSlice> Slices { get; }
    public DicomSlice First => Slices[0];
    public int Rows => First.Rows;
    public int Columns => First.Columns;
    /// <summary>Distance between consecutive slice positions along the normal (mm); for one slice, its thickness or 1.</summary>
    public double SliceSpacing { get; }
    public string SeriesInstanceUid => First.SeriesInstanceUid;
    public string StudyInstanceUid => First.StudyInstanceUid;
    public string? FrameOfReferenceUid => First.FrameOfReferenceUid;

    /// <summary>
    /// 4x4 voxel (column, row, slice) to patient (LPS, mm) matrix: columns are the row direction x column spacing,
    /// the column direction x row spacing, the normal x slice spacing, and the first slice's position.
    /// </summary>
    public double[,] PatientAffine()
    {
        var s = First;
        var x = s.ColumnSpacing * s.RowDirection;
        var y = s.RowSpacing * s.ColumnDirection;
        var z = SliceSpacing * s.Normal;
        var p = s.Position;
        return new double[,]
        {
            { x.X, y.X, z.X, p.X },
            { x.Y, y.Y, z.Y, p.Y },
            { x.Z, y.Z, z.Z, p.Z },
            { 0, 0, 0, 1 },
        };
    }

    /// <summary>
    /// Decodes every slice into Hounsfield units and returns them as a NIfTI volume whose sform and qform give the
    /// same geometry in NIfTI's RAS convention (x and y of LPS negated), so the label volume written from it
    /// overlays the series in 3D Slicer and ITK-SNAP.
    /// </summary>
    public NiftiVolume ToVolume()
    {
        int plane = Rows * Columns;
        var data = new float[(long)plane * Slices.Count];
        for (int z = 0; z < Slices.Count; z++) DicomPixelDecoder.DecodeInto(Slices[z], data.AsSpan(z * plane, plane));
        var header = NiftiHeader.Create(Columns, Rows, Slices.Count, First.ColumnSpacing, First.RowSpacing, SliceSpacing);
        var a = PatientAffine();
        var ras = new double[3, 4];
        for (int c = 0; c < 4; c++)
        {
            ras[0, c] = -a[0, c];
            ras[1, c] = -a[1, c];
            ras[2, c] = a[2, c];
        }
        header.SRowX = [(float)ras[0, 0], (float)ras[0, 1], (float)ras[0, 2], (float)ras[0, 3]];
        header.SRowY = [(float)ras[1, 0], (float)ras[1, 1], (float)ras[1, 2], (float)ras[1, 3]];
        header.SRowZ = [(float)ras[2, 0], (float)ras[2, 1], (float)ras[2, 2], (float)ras[2, 3]];
        var (b, c2, d) = Quaternion.FromRotation(ras, [First.ColumnSpacing, First.RowSpacing, SliceSpacing]);
        header.QuaternB = (float)b;
        header.QuaternC = (float)c2;
        header.QuaternD = (float)d;
        header.QOffsetX = (float)ras[0, 3];
        header.QOffsetY = (float)ras[1, 3];
        header.QOffsetZ = (float)ras[2, 3];
        header.PixDim[0] = 1; // right-handed: row x column = normal, and the RAS flip of two axes keeps the determinant
        header.Descrip = "DICOM series " + (SeriesInstanceUid.Length <= 66 ? SeriesInstanceUid : SeriesInstanceUid[..66]);
        return new NiftiVolume(header, data);
    }
}
