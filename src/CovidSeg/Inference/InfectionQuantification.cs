using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using CovidSeg.Data;
using CovidSeg.Labels;
using CovidSeg.IO;

namespace CovidSeg.Inference;

/// <summary>How much of one class a prediction holds: pixels, physical size when the voxel size is known, share of the lung.</summary>
/// <param name="PixelsInLung">Pixels (voxels) of the class inside the lung mask.</param>
/// <param name="PercentOfLung">100 x <paramref name="PixelsInLung"/> / lung pixels; null without a lung.</param>
public sealed record ClassQuantity(int Index, string Name, long Pixels, double? AreaMm2, double? VolumeMl, long PixelsInLung, double? PercentOfLung);

/// <summary>
/// The infection report of one input: per lesion class pixel count, area in mm² (a slice) or volume in mL (a volume)
/// from the voxel size, the lung size, each class as a percentage of the lung, and the total "percentage of opacity"
/// (all lesion classes inside the lung over the lung), the severity score commercial chest-CT tools report (e.g.
/// Chaganti et al. 2020, "Automated quantification of CT patterns associated with COVID-19"). An unknown voxel size
/// gives null sizes and a note, never a guess.
/// </summary>
public sealed record InfectionQuantification
{
    public required string Input { get; init; }
    /// <summary>"slice" or "volume".</summary>
    public required string Kind { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public int Depth { get; init; }
    /// <summary>Pixel size [x, y] or voxel size [x, y, z] in mm; null when the input does not say.</summary>
    public double[]? VoxelSizeMm { get; init; }
    public required IReadOnlyList<ClassQuantity> Classes { get; init; }
    public long LungPixels { get; init; }
    public double? LungAreaMm2 { get; init; }
    public double? LungVolumeMl { get; init; }
    public required string LungMaskMethod { get; init; }
    /// <summary>All lesion classes inside the lung as a percentage of the lung; null without a lung.</summary>
    public double? PercentOpacity { get; init; }
    /// <summary>Time taken, step by step (<see cref="Predictor"/> sets it); null when not measured.</summary>
    public PredictionTimings? Timings { get; init; }
    /// <summary>"fp32" or "bf16": the precision of the network's forward pass (<see cref="Predictor"/> sets it); null when not recorded.</summary>
    public string? Precision { get; init; }
    /// <summary>How <see cref="Precision"/> was chosen (asked for, or what detection and measurement found).</summary>
    public string? PrecisionReason { get; init; }
    /// <summary>Total time taken in seconds (<see cref="PredictionTimings.TotalSeconds"/>); null when not measured.</summary>
    [JsonIgnore] public double? Seconds => Timings?.TotalSeconds;
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>Files written for this input, relative to the output folder.</summary>
    public IReadOnlyList<string> Outputs { get; init; } = [];

    /// <summary>
    /// Counts <paramref name="labels"/> (x fastest, width x height x depth) per class and inside
    /// <paramref name="lung"/> (non-zero = lung; null = no lung mask). <paramref name="voxelSizeMm"/> has 2 entries for
    /// a slice, 3 for a volume, or is null when unknown.
    /// </summary>
    public static InfectionQuantification Compute(string input, byte[] labels, byte[]? lung, int width, int height, int depth,
        double[]? voxelSizeMm, LabelSet labelSet, string lungMethod, IEnumerable<string>? notes = null)
    {
        if ((long)width * height * depth != labels.Length)
            throw new ArgumentException($"{width}x{height}x{depth} labels expected, got {labels.Length}");
        if (lung is not null && lung.Length != labels.Length)
            throw new ArgumentException($"lung mask has {lung.Length} voxels, labels {labels.Length}");
        bool volume = depth > 1;
        if (voxelSizeMm is not null && voxelSizeMm.Length != (volume ? 3 : 2))
            throw new ArgumentException($"expected {(volume ? 3 : 2)} voxel sizes, got {voxelSizeMm.Length}");
        var noteList = notes?.ToList() ?? [];

        var total = new long[labelSet.Count];
        var inLung = new long[labelSet.Count];
        long lungPixels = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int c = labels[i];
            if (c >= labelSet.Count) throw new ArgumentException($"label {c} at {i} is outside the label set");
            total[c]++;
            if (lung is not null && lung[i] != 0)
            {
                lungPixels++;
                inLung[c]++;
            }
        }

        double? cell = voxelSizeMm?.Aggregate(1.0, (a, b) => a * b); // mm² per pixel or mm³ per voxel
        if (cell is null) noteList.Add("voxel size unknown: sizes are given in pixels only");
        double? Area(long n) => !volume && cell is { } a ? n * a : null;
        double? Millilitres(long n) => volume && cell is { } v ? n * v / 1000.0 : null;
        double? Percent(long n) => lung is not null && lungPixels > 0 ? 100.0 * n / lungPixels : null;
        if (lung is null) noteList.Add("no lung mask: percentages of lung are not given");
        else if (lungPixels == 0) noteList.Add("the lung mask is empty: percentages of lung are not given");

        var classes = labelSet.Lesions.Select(c => new ClassQuantity(c.Index, c.Name, total[c.Index], Area(total[c.Index]),
            Millilitres(total[c.Index]), inLung[c.Index], Percent(inLung[c.Index]))).ToList();
        long lesionInLung = classes.Sum(c => c.PixelsInLung);
        return new InfectionQuantification
        {
            Input = input,
            Kind = volume ? "volume" : "slice",
            Width = width,
            Height = height,
            Depth = depth,
            VoxelSizeMm = voxelSizeMm,
            Classes = classes,
            LungPixels = lungPixels,
            LungAreaMm2 = Area(lungPixels),
            LungVolumeMl = Millilitres(lungPixels),
            LungMaskMethod = lungMethod,
            PercentOpacity = Percent(lesionInLung),
            Notes = noteList,
        };
    }

    /// <summary>The format field of NAME.json; reports without one (written before it was recorded) have the same shape.</summary>
    public const string Format = "covidseg-quantification/1";

    public string ToJson() => JsonConvention.Serialize(this, Format);

    /// <summary>The "size" unit of this report: mm² for a slice, mL for a volume.</summary>
    [JsonIgnore] public string SizeUnit => Kind == "volume" ? "mL" : "mm²";

    /// <summary>Size of a class in <see cref="SizeUnit"/>, or null when the voxel size is unknown.</summary>
    public static double? SizeOf(ClassQuantity c) => c.VolumeMl ?? c.AreaMm2;

    [JsonIgnore] public double? LungSize => LungVolumeMl ?? LungAreaMm2;

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"# {Input}").AppendLine();
        sb.AppendLine($"{Kind}, {Width} x {Height}{(Depth > 1 ? $" x {Depth}" : "")} pixels; voxel size {(VoxelSizeMm is null ? "unknown" : string.Join(" x ", VoxelSizeMm.Select(v => F(v))) + " mm")}").AppendLine();
        sb.AppendLine(TimeTaken()).AppendLine();
        if (Precision is not null) sb.AppendLine($"Network precision: {Precision} ({PrecisionReason}).").AppendLine();
        var table = MarkdownTable.Numeric("class", "pixels", SizeUnit, "% of lung");
        foreach (var c in Classes) table.Row(c.Name, $"{c.Pixels}", F(SizeOf(c)), F(c.PercentOfLung));
        table.Row("lung", $"{LungPixels}", F(LungSize), "");
        table.Row("**opacity (all lesions)**", $"{Classes.Sum(c => c.Pixels)}", F(Classes.Select(SizeOf).Aggregate((double?)0, (a, b) => a + b)), F(PercentOpacity));
        table.AppendTo(sb).AppendLine();
        sb.AppendLine($"Lung mask: {LungMaskMethod}.");
        foreach (var n in Notes) sb.AppendLine().AppendLine($"Note: {n}.");
        return sb.ToString();
    }

    /// <summary>"Time taken: T s: reading .., network .., ..." from <see cref="Timings"/>, or that it was not measured.</summary>
    public string TimeTaken() => Timings is { } t
        ? $"Time taken: {F(t.TotalSeconds)} s: reading {F(t.ReadSeconds)}, network {F(t.SegmentationSeconds)}, lung mask {F(t.LungMaskSeconds)}, " +
          $"overlays {F(t.OverlaySeconds)}, quantification and label file {F(t.QuantificationAndWriteSeconds)}."
        : "Time taken: not measured.";

    /// <summary>Invariant-culture number with up to 3 decimals; "n/a" for null.</summary>
    public static string F(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "n/a";
}
