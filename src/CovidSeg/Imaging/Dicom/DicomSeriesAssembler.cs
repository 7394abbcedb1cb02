using System.Globalization;

namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// Orders the slices of one series along the slice normal and refuses, in one line naming the files, what would
/// put voxels in the wrong place: mixed sizes, orientations, pixel spacings or frames of reference; two slices at
/// one position; uneven gaps (a missing slice); positions off the normal (gantry tilt). Spacing comes from the
/// positions, never from Slice Thickness.
/// </summary>
public static class DicomSeriesAssembler
{
    /// <summary>Direction cosines are written with about 6 decimals; differences above this are a different orientation.</summary>
    public const double OrientationTolerance = 1e-4;
    /// <summary>Two positions closer than this along the normal (mm) are the same position.</summary>
    public const double DuplicateTolerance = 1e-3;
    /// <summary>Gaps may differ from the median gap by this share of it (or 0.01 mm, whichever is larger).</summary>
    public const double GapTolerance = 0.01;

    public static DicomSeries Assemble(string source, IReadOnlyList<DicomSlice> slices)
    {
        if (slices.Count == 0) throw new InvalidInputException(source, "no images in the series");
        var first = slices[0];
        long voxels = (long)first.Rows * first.Columns * slices.Count;
        if (voxels > DicomSliceReader.MaxPixels)
            throw new InvalidInputException(source, $"{first.Columns} x {first.Rows} x {slices.Count} slices = {voxels} voxels is more than the {DicomSliceReader.MaxPixels} one volume may hold");
        foreach (var s in slices.Skip(1))
        {
            if (s.Rows != first.Rows || s.Columns != first.Columns)
                throw Fault(source, $"mixed image sizes: {Name(first)} is {first.Columns}x{first.Rows}, {Name(s)} is {s.Columns}x{s.Rows}");
            if (!Close(s.RowDirection, first.RowDirection) || !Close(s.ColumnDirection, first.ColumnDirection))
                throw Fault(source, $"mixed orientations: {Name(first)} has rows {first.RowDirection} and columns {first.ColumnDirection}, {Name(s)} has {s.RowDirection} and {s.ColumnDirection}");
            if (Math.Abs(s.RowSpacing - first.RowSpacing) > 1e-4 || Math.Abs(s.ColumnSpacing - first.ColumnSpacing) > 1e-4)
                throw Fault(source, $"mixed pixel spacings: {Name(first)} has {N(first.RowSpacing)}\\{N(first.ColumnSpacing)} mm, {Name(s)} has {N(s.RowSpacing)}\\{N(s.ColumnSpacing)} mm");
            if (s.FrameOfReferenceUid != first.FrameOfReferenceUid)
                throw Fault(source, $"mixed frames of reference: {Name(first)} has {first.FrameOfReferenceUid ?? "none"}, {Name(s)} has {s.FrameOfReferenceUid ?? "none"}");
        }

        var normal = first.Normal;
        var sorted = slices.Select(s => (Slice: s, Along: s.Position.Dot(normal))).OrderBy(p => p.Along).ToList();
        if (sorted.Count == 1) return new DicomSeries(source, [first], first.SliceThickness ?? 1.0);

        var gaps = new double[sorted.Count - 1];
        for (int i = 1; i < sorted.Count; i++)
        {
            gaps[i - 1] = sorted[i].Along - sorted[i - 1].Along;
            if (gaps[i - 1] < DuplicateTolerance)
                throw Fault(source, $"duplicate slice positions: {Name(sorted[i - 1].Slice)} and {Name(sorted[i].Slice)} are both at {N(sorted[i].Along)} mm along the slice normal");
        }
        double median = gaps.Order().ElementAt(gaps.Length / 2);
        double tolerance = Math.Max(0.01, GapTolerance * median);
        for (int i = 0; i < gaps.Length; i++)
            if (Math.Abs(gaps[i] - median) > tolerance)
                throw Fault(source, $"uneven slice gaps: {N(gaps[i])} mm between {Name(sorted[i].Slice)} and {Name(sorted[i + 1].Slice)}, while the median gap is {N(median)} mm (a missing or extra slice?)");

        var origin = sorted[0].Slice.Position;
        foreach (var (slice, along) in sorted)
        {
            var offset = slice.Position - origin - (along - sorted[0].Along) * normal;
            if (offset.Length > tolerance)
                throw Fault(source, $"slice positions do not lie along the slice normal: {Name(slice)} is {N(offset.Length)} mm off it (gantry tilt or a sheared stack is not supported)");
        }
        double spacing = (sorted[^1].Along - sorted[0].Along) / (sorted.Count - 1);
        return new DicomSeries(source, sorted.Select(p => p.Slice).ToList(), spacing);
    }

    private static bool Close(Vector3d a, Vector3d b) =>
        Math.Abs(a.X - b.X) <= OrientationTolerance && Math.Abs(a.Y - b.Y) <= OrientationTolerance && Math.Abs(a.Z - b.Z) <= OrientationTolerance;

    private static string Name(DicomSlice s) => s.Name;
    private static string N(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
    private static InvalidInputException Fault(string source, string message) => new(source, message);
}
