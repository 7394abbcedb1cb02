using CovidSeg.Imaging;

namespace CovidSeg.Tests.Evaluation;

/// <summary>Small label masks written as rows of digits, e.g. Parse("1100", "0022").</summary>
internal static class TestMasks
{
    public static LabelMask Parse(params string[] rows)
    {
        int width = rows[0].Length;
        var labels = rows.SelectMany(r =>
        {
            if (r.Length != width) throw new ArgumentException("rows must have equal length");
            return r.Select(ch => (byte)(ch - '0'));
        }).ToArray();
        return new LabelMask(width, rows.Length, labels);
    }

    public static readonly IReadOnlyList<string> TwoClasses = ["background", "lesion"];

    /// <summary>
    /// The worked 4x4 example used by several tests (classes: 0 background, 1 GGO, 2 consolidation).
    /// Truth         Prediction
    ///   1 1 0 0       1 1 1 0
    ///   1 1 0 0       1 0 0 0
    ///   0 0 2 2       0 1 2 0
    ///   0 0 0 0       0 0 0 0
    /// Counts (rows truth, columns prediction):
    ///   truth 0 (10 px): 8 -> 0, 2 -> 1 (pixels (2,0) and (1,2)), 0 -> 2
    ///   truth 1 (4 px):  1 -> 0 (pixel (1,1)), 3 -> 1, 0 -> 2
    ///   truth 2 (2 px):  1 -> 0 (pixel (3,2)), 0 -> 1, 1 -> 2
    /// </summary>
    public static LabelMask WorkedTruth => Parse("1100", "1100", "0022", "0000");
    public static LabelMask WorkedPrediction => Parse("1110", "1000", "0120", "0000");
}
