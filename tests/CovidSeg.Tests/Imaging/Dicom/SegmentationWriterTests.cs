using System.Text.Json;
using CovidSeg.Imaging.Dicom;

namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>
/// The DICOM Segmentation of a label volume on a pydicom-written series: dciodvfy (dicom3tools) finds no error in it,
/// and pydicom reads it back to the same labels on the same slices, with the source's geometry, study, frame of
/// reference and instances.
/// </summary>
public class SegmentationWriterTests : IDisposable
{
    private static readonly SegmentClass[] Classes = [new(1, "ground-glass opacity", 46, 204, 113), new(2, "consolidation", 241, 196, 15), new(3, "pleural effusion", 52, 152, 219)];
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private sealed record SegmentView(int Number, string Label, string[] Type, string Category);
    private sealed record SegView(
        string SopClass, string Modality, string Type, string Study, string SourceStudy, string Series, string SourceSeries,
        string FrameOfReference, string SourceFrameOfReference, string[] Patient, SegmentView[] Segments, int Frames,
        bool OrientationMatches, double[] Spacing, double[] SourceSpacing, string[] ReferencedInstances, string[] SourceInstances,
        bool FramesReferenceTheirSlice, int[] Volume);

    private static SegView ReadWithPydicom(string seg, string source)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "Imaging", "Dicom", "read_seg.py");
        var (exit, output, error) = ExternalTools.Run(ExternalTools.Python, [script, seg, source]);
        Assert.True(exit == 0, $"read_seg.py failed: {error}");
        return JsonSerializer.Deserialize<SegView>(output, new JsonSerializerOptions { PropertyNameCaseInsensitive = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;
    }

    /// <summary>
    /// Runs dciodvfy and asserts it recognised the IOD (a Segmentation by default) and reported no error: no "Error" or "Abort" line
    /// and exit code 0 (it prints warnings too; they are allowed). Returns its report.
    /// </summary>
    public static string AssertDciodvfyAccepts(string path, string iod = "Segmentation")
    {
        var (exit, output, error) = ExternalTools.Run(ExternalTools.Dciodvfy, [path]);
        string report = output + error;
        var lines = report.Split('\n', StringSplitOptions.TrimEntries);
        Assert.True(exit == 0, $"dciodvfy exited with {exit}:\n{report}");
        Assert.True(!lines.Any(l => l.Contains("Error", StringComparison.Ordinal) || l.StartsWith("Abort", StringComparison.Ordinal)), "dciodvfy:\n" + report);
        Assert.True(lines.Contains(iod), $"dciodvfy did not identify a {iod} IOD:\n" + report);
        return report;
    }

    /// <summary>An oblique, shuffled 7 x 5 x 4 series: 35 pixels per frame, so frames do not start on byte boundaries.</summary>
    private DicomSeries ObliqueSeries()
    {
        var spec = new PydicomSeries
        {
            Out = temp.File("ct"), Rows = 5, Columns = 7, Stored = PydicomSeries.Ramp(5, 7, 4, 400, -200),
            RowDirection = [0.8, 0.6, 0], ColumnDirection = [0, 0, -1], Order = "shuffled", Intercept = -1024,
        };
        return DicomSeriesLoader.Load(spec.Write());
    }

    /// <summary>Class 1 on a diagonal pattern on every slice, class 3 in the last column of slices 2 and 3, class 2 nowhere.</summary>
    private static byte[] Labels(DicomSeries series)
    {
        var labels = new byte[series.Columns * series.Rows * series.Slices.Count];
        for (int z = 0; z < series.Slices.Count; z++)
            for (int y = 0; y < series.Rows; y++)
                for (int x = 0; x < series.Columns; x++)
                    labels[x + series.Columns * (y + series.Rows * z)] = (byte)(x == series.Columns - 1 && z >= 2 ? 3 : (x + y + z) % 5 == 0 ? 1 : 0);
        return labels;
    }

    [DciodvfyFact]
    public void DciodvfyFindsNoErrorAndPydicomReadsTheSameLabels()
    {
        var series = ObliqueSeries();
        var labels = Labels(series);
        string path = temp.File("seg.dcm");
        var written = SegmentationWriter.Write(path, series, labels, Classes, "CovidSeg test", new DateTime(2026, 1, 2, 3, 4, 5));

        Assert.NotNull(written);
        Assert.Equal(new Dictionary<int, byte> { [1] = 1, [2] = 3 }, written.SegmentLabels);
        Assert.Equal(4 + 2, written.Frames); // class 1 on all 4 slices, class 3 on 2

        AssertDciodvfyAccepts(path);

        var seg = ReadWithPydicom(path, temp.File("ct"));
        Assert.Equal(SegmentationWriter.SegmentationStorageUid, seg.SopClass);
        Assert.Equal(("SEG", "BINARY"), (seg.Modality, seg.Type));
        Assert.Equal(seg.SourceStudy, seg.Study);
        Assert.NotEqual(seg.SourceSeries, seg.Series);
        Assert.StartsWith("2.25.", seg.Series);
        Assert.Equal(seg.SourceFrameOfReference, seg.FrameOfReference);
        Assert.Equal(["Test^Dicom", "CS-13", "19700101", "O"], seg.Patient);
        Assert.Equal(6, seg.Frames);
        Assert.True(seg.OrientationMatches);
        Assert.Equal(seg.SourceSpacing, seg.Spacing);
        Assert.Equal(seg.SourceInstances, seg.ReferencedInstances);
        Assert.True(seg.FramesReferenceTheirSlice);

        Assert.Equal(2, seg.Segments.Length);
        Assert.Equal(new SegmentView(1, "ground-glass opacity", ["112120", "DCM"], "49755003"), seg.Segments[0] with { Type = seg.Segments[0].Type }, new SegmentComparer());
        Assert.Equal(new SegmentView(2, "pleural effusion", ["60046008", "SCT"], "49755003"), seg.Segments[1], new SegmentComparer());

        // Segment numbers back to labels: 1 -> 1, 2 -> 3; every voxel must match.
        var expected = labels.Select(l => l == 3 ? 2 : (int)l).ToArray();
        Assert.Equal(expected, seg.Volume);
    }

    [DciodvfyFact]
    public void AMultiFrameSourceIsReferencedFrameByFrame()
    {
        var spec = new PydicomSeries { Out = temp.File("enhanced"), Rows = 5, Columns = 7, Stored = PydicomSeries.Ramp(5, 7, 4, 400, -200), MultiFrame = true, Order = "reversed" };
        var series = DicomSeriesLoader.Load(spec.Write());
        string path = temp.File("seg.dcm");
        var written = SegmentationWriter.Write(path, series, Labels(series), Classes, "CovidSeg test", DateTime.Now)!;
        AssertDciodvfyAccepts(path);

        var seg = DicomFileReader.Read(path).Dataset;
        var instances = seg.GetItems(DicomTags.ReferencedSeriesSequence)[0].GetItems(DicomTags.ReferencedInstanceSequence);
        Assert.Equal(series.First.SopInstanceUid, Assert.Single(instances).GetString(DicomTags.ReferencedSopInstanceUid));
        // Frames of segment 1 follow the slices along the normal; the file stores them in reverse, so frame numbers 4, 3, 2, 1.
        var referencedFrames = seg.GetItems(DicomTags.PerFrameFunctionalGroupsSequence).Take(4)
            .Select(f => f.GetItems(DicomTags.DerivationImageSequence)[0].GetItems(DicomTags.SourceImageSequence)[0].GetString(DicomTags.ReferencedFrameNumber));
        Assert.Equal(["4", "3", "2", "1"], referencedFrames);
        Assert.Equal(6, written.Frames);
    }

    /// <summary>A two-slice series written by hand (HandBuiltDicom), 2 x 3 x 2 voxels.</summary>
    private DicomSeries TwoHandBuiltSlices()
    {
        string source = temp.File("hand");
        Directory.CreateDirectory(source);
        HandBuiltDicom.WriteSlice(source, "a.dcm", z: 0);
        HandBuiltDicom.WriteSlice(source, "b.dcm", z: 1);
        return DicomSeriesLoader.Load(source);
    }

    [Fact]
    public void NoLesionMeansNoSegmentation()
    {
        var series = TwoHandBuiltSlices();
        string path = temp.File("seg.dcm");
        Assert.Null(SegmentationWriter.Write(path, series, new byte[12], Classes, "CovidSeg test", DateTime.Now));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void OwnReaderReadsTheWrittenFile()
    {
        var series = TwoHandBuiltSlices();
        string path = temp.File("seg.dcm");
        byte[] labels = [0, 2, 0, 0, 0, 0, 2, 2, 2, 0, 0, 2];
        var written = SegmentationWriter.Write(path, series, labels, Classes, "CovidSeg test", DateTime.Now)!;
        var file = DicomFileReader.Read(path);
        Assert.Equal(DicomTransferSyntax.ExplicitVrLittleEndian, file.Syntax);
        Assert.Equal(written.SopInstanceUid, file.Meta.GetString(DicomTags.MediaStorageSopInstanceUid));
        Assert.Equal("2", file.Dataset.GetString(DicomTags.NumberOfFrames));
        // 12 one-bit pixels over two 2 x 3 frames: bits 1, 6, 7, 8, 11 set, first pixel in the lowest bit.
        Assert.Equal([0b1100_0010, 0b0000_1001], file.Dataset.Find(DicomTags.PixelData)!.Value.ToArray());
        var segment = Assert.Single(file.Dataset.GetItems(DicomTags.SegmentSequence));
        Assert.Equal("consolidation", segment.GetString(DicomTags.SegmentLabel));
        Assert.Equal("95436008", segment.GetItems(DicomTags.SegmentedPropertyTypeCodeSequence)[0].GetString(DicomTags.CodeValue));
        Assert.Equal(CieLabColor.FromRgb(241, 196, 15).SelectMany(v => BitConverter.GetBytes(v)), segment.Find(DicomTags.RecommendedDisplayCieLabValue)!.Value.ToArray());
    }

    private sealed class SegmentComparer : IEqualityComparer<SegmentView>
    {
        public bool Equals(SegmentView? a, SegmentView? b) =>
            a is not null && b is not null && a.Number == b.Number && a.Label == b.Label && a.Type.SequenceEqual(b.Type) && a.Category == b.Category;
        public int GetHashCode(SegmentView s) => s.Number;
    }
}
