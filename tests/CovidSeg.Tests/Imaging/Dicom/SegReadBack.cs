using System.Text.Json;

namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>A DICOM SEG read back by pydicom (read_seg.py), its segments mapped to label values through their labels.</summary>
internal sealed record SegReadBack(int[] Labels, int SegmentCount, string Study, string SourceStudy)
{
    private static readonly string[] Names = ["background", "ground-glass opacity", "consolidation", "pleural effusion"];

    /// <summary>Reads <paramref name="seg"/> against its source series (a folder or file) with /usr/bin/python3.</summary>
    public static SegReadBack Read(string seg, string source)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "Imaging", "Dicom", "read_seg.py");
        var (exit, output, error) = ExternalTools.Run(ExternalTools.Python, [script, seg, source]);
        Assert.True(exit == 0, $"read_seg.py failed: {error}");
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        var labelOfSegment = root.GetProperty("segments").EnumerateArray()
            .ToDictionary(s => s.GetProperty("number").GetInt32(), s => Array.IndexOf(Names, s.GetProperty("label").GetString()));
        var labels = root.GetProperty("volume").EnumerateArray().Select(v => v.GetInt32() == 0 ? 0 : labelOfSegment[v.GetInt32()]).ToArray();
        return new SegReadBack(labels, labelOfSegment.Count, root.GetProperty("study").GetString()!, root.GetProperty("source_study").GetString()!);
    }
}
