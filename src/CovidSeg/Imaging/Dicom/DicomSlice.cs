namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// One frame of a series (the image of a single-frame file, or frame <see cref="Frame"/> of a multi-frame one): what places it in space (position of the first pixel, row and column
/// directions, pixel spacing; all in the patient coordinate system, mm) and what turns its samples into
/// Hounsfield units (pixel format, Rescale Slope/Intercept). <see cref="Dataset"/> is kept for the attributes a
/// derived object copies.
/// </summary>
public sealed record DicomSlice(
    DicomFile File,
    string SopClassUid,
    string SopInstanceUid,
    string SeriesInstanceUid,
    string StudyInstanceUid,
    string? FrameOfReferenceUid,
    string Modality,
    string? SeriesDescription,
    int Rows,
    int Columns,
    Vector3d Position,
    Vector3d RowDirection,
    Vector3d ColumnDirection,
    double RowSpacing,
    double ColumnSpacing,
    double? SliceThickness,
    DicomPixelFormat Format,
    double Slope,
    double Intercept,
    int Frame = 0,
    int FrameCount = 1)
{
    public string Path => File.Path;
    /// <summary>The file name, with the frame number (1-based, as DICOM counts) for multi-frame files.</summary>
    public string Name => FrameCount == 1 ? System.IO.Path.GetFileName(Path) : $"{System.IO.Path.GetFileName(Path)} frame {Frame + 1}";
    public DicomDataset Dataset => File.Dataset;
    /// <summary>The slice normal: row direction x column direction (right-handed, PS3.3 C.7.6.2.1.1).</summary>
    public Vector3d Normal => RowDirection.Cross(ColumnDirection);
}
