namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// Checks that a parsed file is a single-frame greyscale image CovidSeg can place and decode, and extracts a
/// <see cref="DicomSlice"/>. Every refusal names the file and the attribute.
/// </summary>
public static class DicomSliceReader
{
    /// <summary>Largest Rows x Columns accepted per image: one managed float array.</summary>
    public const long MaxPixels = 0x7FFFFFC7;

    public static DicomSlice Read(string path) => FromFile(DicomFileReader.Read(path));

    public static DicomSlice FromFile(DicomFile file)
    {
        var ds = file.Dataset;
        long frames = ds.GetInteger(DicomTags.NumberOfFrames, "Number of Frames", 1);
        if (frames != 1)
            throw ds.Problem($"multi-frame image ({frames} frames) is not read; CovidSeg reads series of single-frame images (CT Image Storage)");

        int samples = ds.Contains(DicomTags.SamplesPerPixel) ? ds.RequireUInt16(DicomTags.SamplesPerPixel, "Samples per Pixel") : 1;
        string photometric = ds.Require(DicomTags.PhotometricInterpretation, "Photometric Interpretation");
        if (samples != 1 || photometric is not ("MONOCHROME1" or "MONOCHROME2"))
            throw ds.Problem($"{photometric} image with {samples} samples per pixel: only greyscale (MONOCHROME1/MONOCHROME2, 1 sample) is read");

        int rows = ds.RequireUInt16(DicomTags.Rows, "Rows");
        int columns = ds.RequireUInt16(DicomTags.Columns, "Columns");
        if (rows == 0 || columns == 0) throw ds.Problem($"image is {columns} x {rows} pixels (Columns x Rows); both must be positive");
        if ((long)rows * columns > MaxPixels) throw ds.Problem($"{columns} x {rows} pixels is more than the {MaxPixels} one image may hold");

        int allocated = ds.RequireUInt16(DicomTags.BitsAllocated, "Bits Allocated");
        int stored = ds.RequireUInt16(DicomTags.BitsStored, "Bits Stored");
        int representation = ds.RequireUInt16(DicomTags.PixelRepresentation, "Pixel Representation");
        if (allocated is not (8 or 16)) throw ds.Problem($"Bits Allocated is {allocated}; only 8 and 16 are read");
        if (stored < 1 || stored > allocated) throw ds.Problem($"Bits Stored is {stored}; it must be 1..{allocated} (Bits Allocated)");
        if (representation > 1) throw ds.Problem($"Pixel Representation is {representation}; it must be 0 (unsigned) or 1 (signed)");
        var format = new DicomPixelFormat(allocated, stored, representation == 1, photometric);

        if (ds.Find(DicomTags.PixelData) is not { } pixels) throw ds.Problem("no Pixel Data (7FE0,0010)");
        long needed = (long)rows * columns * format.BytesPerSample;
        if (pixels.Fragments is null && pixels.Value.Length < needed)
            throw ds.Problem($"Pixel Data holds {pixels.Value.Length} bytes; {columns} x {rows} pixels of {allocated} bits need {needed}");

        var position = Vector(ds, DicomTags.ImagePositionPatient, "Image Position (Patient)", 3);
        var orientation = ds.GetDecimals(DicomTags.ImageOrientationPatient, "Image Orientation (Patient)");
        if (orientation.Length != 6) throw ds.Problem($"Image Orientation (Patient) (0020,0037) has {orientation.Length} values, expected 6");
        var rowDirection = new Vector3d(orientation[0], orientation[1], orientation[2]);
        var columnDirection = new Vector3d(orientation[3], orientation[4], orientation[5]);
        // Scanners write 6 decimals or fewer: unit length and orthogonality hold to about 1e-4.
        if (Math.Abs(rowDirection.Length - 1) > 1e-3 || Math.Abs(columnDirection.Length - 1) > 1e-3 || Math.Abs(rowDirection.Dot(columnDirection)) > 1e-3)
            throw ds.Problem($"Image Orientation (Patient) {string.Join('\\', orientation)} is not two perpendicular unit vectors");
        rowDirection = 1 / rowDirection.Length * rowDirection;
        columnDirection = 1 / columnDirection.Length * columnDirection;

        var spacing = ds.GetDecimals(DicomTags.PixelSpacing, "Pixel Spacing");
        if (spacing.Length != 2 || spacing[0] <= 0 || spacing[1] <= 0)
            throw ds.Problem($"Pixel Spacing (0028,0030) is \"{string.Join('\\', spacing)}\"; two positive numbers (row spacing, column spacing in mm) are needed");

        double slope = ds.GetDecimal(DicomTags.RescaleSlope, "Rescale Slope", 1);
        double intercept = ds.GetDecimal(DicomTags.RescaleIntercept, "Rescale Intercept", 0);
        if (slope == 0) throw ds.Problem("Rescale Slope (0028,1053) is 0");
        double thickness = ds.GetDecimal(DicomTags.SliceThickness, "Slice Thickness", double.NaN);

        return new DicomSlice(
            file,
            ds.Require(DicomTags.SopClassUid, "SOP Class UID"),
            ds.Require(DicomTags.SopInstanceUid, "SOP Instance UID"),
            ds.Require(DicomTags.SeriesInstanceUid, "Series Instance UID"),
            ds.Require(DicomTags.StudyInstanceUid, "Study Instance UID"),
            ds.GetString(DicomTags.FrameOfReferenceUid),
            ds.GetString(DicomTags.Modality) ?? "",
            ds.GetString(DicomTags.SeriesDescription),
            rows, columns, position, rowDirection, columnDirection,
            RowSpacing: spacing[0], ColumnSpacing: spacing[1],
            double.IsFinite(thickness) && thickness > 0 ? thickness : null,
            format, slope, intercept);
    }

    private static Vector3d Vector(DicomDataset ds, DicomTag tag, string name, int count)
    {
        var values = ds.GetDecimals(tag, name);
        if (values.Length != count) throw ds.Problem($"{name} {tag} has {values.Length} values, expected {count}");
        return new Vector3d(values[0], values[1], values[2]);
    }
}
