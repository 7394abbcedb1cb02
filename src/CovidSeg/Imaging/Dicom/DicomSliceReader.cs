namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// Checks that a parsed file is a greyscale image CovidSeg can place and decode, and extracts one
/// <see cref="DicomSlice"/> per frame: a single-frame image (CT Image Storage) gives one from its top-level
/// attributes; a multi-frame image (Enhanced CT) gives one per frame from its functional groups (PS3.3 C.7.6.16):
/// Plane Position per frame, Plane Orientation, Pixel Measures and Pixel Value Transformation per frame or shared.
/// Every refusal names the file and the attribute.
/// </summary>
public static class DicomSliceReader
{
    /// <summary>Largest Rows x Columns x frames accepted per file: one managed float array.</summary>
    public const long MaxPixels = 0x7FFFFFC7;

    /// <summary>The slice of a single-frame file (a multi-frame file is refused here; use <see cref="Frames"/>).</summary>
    public static DicomSlice Read(string path)
    {
        var frames = Frames(DicomFileReader.Read(path));
        return frames.Count == 1 ? frames[0] : throw new InvalidInputException(path, $"holds {frames.Count} frames, expected one");
    }

    public static IReadOnlyList<DicomSlice> Frames(DicomFile file)
    {
        var ds = file.Dataset;
        long frameCount = ds.GetInteger(DicomTags.NumberOfFrames, "Number of Frames", 1);
        if (frameCount < 1) throw ds.Problem($"Number of Frames (0028,0008) is {frameCount}");

        int samples = ds.Contains(DicomTags.SamplesPerPixel) ? ds.RequireUInt16(DicomTags.SamplesPerPixel, "Samples per Pixel") : 1;
        string photometric = ds.Require(DicomTags.PhotometricInterpretation, "Photometric Interpretation");
        if (samples != 1 || photometric is not ("MONOCHROME1" or "MONOCHROME2"))
            throw ds.Problem($"{photometric} image with {samples} samples per pixel: only greyscale (MONOCHROME1/MONOCHROME2, 1 sample) is read");

        int rows = ds.RequireUInt16(DicomTags.Rows, "Rows");
        int columns = ds.RequireUInt16(DicomTags.Columns, "Columns");
        if (rows == 0 || columns == 0) throw ds.Problem($"image is {columns} x {rows} pixels (Columns x Rows); both must be positive");
        // Checked before anything is allocated: a few header bytes must not be able to ask for gigabytes.
        if ((long)rows * columns * frameCount > MaxPixels)
            throw ds.Problem($"{columns} x {rows} pixels x {FrameCountText(frameCount)} is more than the {MaxPixels} pixels one file may hold");

        int allocated = ds.RequireUInt16(DicomTags.BitsAllocated, "Bits Allocated");
        int stored = ds.RequireUInt16(DicomTags.BitsStored, "Bits Stored");
        int representation = ds.RequireUInt16(DicomTags.PixelRepresentation, "Pixel Representation");
        if (allocated is not (8 or 16)) throw ds.Problem($"Bits Allocated is {allocated}; only 8 and 16 are read");
        if (stored < 1 || stored > allocated) throw ds.Problem($"Bits Stored is {stored}; it must be 1..{allocated} (Bits Allocated)");
        if (representation > 1) throw ds.Problem($"Pixel Representation is {representation}; it must be 0 (unsigned) or 1 (signed)");
        // PS3.5 8.1.1 and the CT Image module: samples sit in the low bits, so High Bit is Bits Stored - 1.
        if (ds.Contains(DicomTags.HighBit) && ds.RequireUInt16(DicomTags.HighBit, "High Bit") != stored - 1)
            throw ds.Problem($"High Bit is {ds.RequireUInt16(DicomTags.HighBit, "High Bit")} with {stored} bits stored; only High Bit = Bits Stored - 1 is read");
        var format = new DicomPixelFormat(allocated, stored, representation == 1, photometric);

        if (ds.Find(DicomTags.PixelData) is not { } pixels) throw ds.Problem("no Pixel Data (7FE0,0010)");
        long needed = (long)rows * columns * format.BytesPerSample * frameCount;
        if (pixels.Fragments is null && pixels.Value.Length < needed)
            throw ds.Problem($"Pixel Data holds {pixels.Value.Length} bytes; {columns} x {rows} pixels x {FrameCountText(frameCount)} of {allocated} bits need {needed}");
        if (pixels.Fragments is { } fragments && frameCount > 1 && fragments.Count != frameCount)
            throw ds.Problem($"encapsulated Pixel Data has {fragments.Count} fragments for {frameCount} frames; one fragment per frame is expected");

        var perFrame = ds.GetItems(DicomTags.PerFrameFunctionalGroupsSequence);
        var shared = ds.GetItems(DicomTags.SharedFunctionalGroupsSequence).FirstOrDefault();
        if (frameCount > 1 && perFrame.Count != frameCount)
            throw ds.Problem($"{frameCount} frames but {perFrame.Count} items in the Per-frame Functional Groups Sequence (5200,9230): the frames cannot be placed");

        var common = (
            SopClass: ds.Require(DicomTags.SopClassUid, "SOP Class UID"),
            SopInstance: ds.Require(DicomTags.SopInstanceUid, "SOP Instance UID"),
            Series: ds.Require(DicomTags.SeriesInstanceUid, "Series Instance UID"),
            Study: ds.Require(DicomTags.StudyInstanceUid, "Study Instance UID"));
        var slices = new List<DicomSlice>((int)frameCount);
        for (int f = 0; f < frameCount; f++)
        {
            // Attributes come from this frame's functional group, else the shared one, else (single-frame files) the top level.
            DicomDataset Holder(DicomTag sequence, DicomTag attribute)
            {
                if (perFrame.Count > f && perFrame[f].GetItems(sequence).FirstOrDefault() is { } own && own.Contains(attribute)) return own;
                if (shared?.GetItems(sequence).FirstOrDefault() is { } common && common.Contains(attribute)) return common;
                return ds;
            }

            var positionHolder = Holder(DicomTags.PlanePositionSequence, DicomTags.ImagePositionPatient);
            var position = Vector(positionHolder, DicomTags.ImagePositionPatient, "Image Position (Patient)", 3);
            var orientationHolder = Holder(DicomTags.PlaneOrientationSequence, DicomTags.ImageOrientationPatient);
            var orientation = orientationHolder.GetDecimals(DicomTags.ImageOrientationPatient, "Image Orientation (Patient)");
            if (orientation.Length != 6) throw ds.Problem($"Image Orientation (Patient) (0020,0037) has {orientation.Length} values, expected 6");
            var rowDirection = new Vector3d(orientation[0], orientation[1], orientation[2]);
            var columnDirection = new Vector3d(orientation[3], orientation[4], orientation[5]);
            // Scanners write 6 decimals or fewer: unit length and orthogonality hold to about 1e-4.
            if (Math.Abs(rowDirection.Length - 1) > 1e-3 || Math.Abs(columnDirection.Length - 1) > 1e-3 || Math.Abs(rowDirection.Dot(columnDirection)) > 1e-3)
                throw ds.Problem($"Image Orientation (Patient) {string.Join('\\', orientation)} is not two perpendicular unit vectors");
            rowDirection = 1 / rowDirection.Length * rowDirection;
            columnDirection = 1 / columnDirection.Length * columnDirection;

            var measures = Holder(DicomTags.PixelMeasuresSequence, DicomTags.PixelSpacing);
            var spacing = measures.GetDecimals(DicomTags.PixelSpacing, "Pixel Spacing");
            if (spacing.Length != 2 || spacing[0] <= 0 || spacing[1] <= 0)
                throw ds.Problem($"Pixel Spacing (0028,0030) is \"{string.Join('\\', spacing)}\"; two positive numbers (row spacing, column spacing in mm) are needed");
            double thickness = Holder(DicomTags.PixelMeasuresSequence, DicomTags.SliceThickness).GetDecimal(DicomTags.SliceThickness, "Slice Thickness", double.NaN);

            var transform = Holder(DicomTags.PixelValueTransformationSequence, DicomTags.RescaleSlope);
            double slope = transform.GetDecimal(DicomTags.RescaleSlope, "Rescale Slope", 1);
            double intercept = Holder(DicomTags.PixelValueTransformationSequence, DicomTags.RescaleIntercept).GetDecimal(DicomTags.RescaleIntercept, "Rescale Intercept", 0);
            if (slope == 0) throw ds.Problem("Rescale Slope (0028,1053) is 0");

            slices.Add(new DicomSlice(
                file, common.SopClass, common.SopInstance, common.Series, common.Study,
                ds.GetString(DicomTags.FrameOfReferenceUid),
                ds.GetString(DicomTags.Modality) ?? "",
                ds.GetString(DicomTags.SeriesDescription),
                rows, columns, position, rowDirection, columnDirection,
                RowSpacing: spacing[0], ColumnSpacing: spacing[1],
                double.IsFinite(thickness) && thickness > 0 ? thickness : null,
                format, slope, intercept, Frame: f, FrameCount: (int)frameCount));
        }
        return slices;
    }

    private static string FrameCountText(long count) => count == 1 ? "1 frame" : $"{count} frames";

    private static Vector3d Vector(DicomDataset ds, DicomTag tag, string name, int count)
    {
        var values = ds.GetDecimals(tag, name);
        if (values.Length != count) throw ds.Problem($"{name} {tag} has {values.Length} values, expected {count}");
        return new Vector3d(values[0], values[1], values[2]);
    }
}
