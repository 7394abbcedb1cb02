using CovidSeg.IO;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CovidSeg.Data;
using CovidSeg.Labels;

namespace CovidSeg.Evaluation;

/// <summary>
/// The evaluation of a set of images, averaged two ways:
/// <list type="bullet">
/// <item><see cref="MeanOverImages"/>: scores per image, then averaged over images. This is the convention of the
/// COVID-SemiSeg (Inf-Net, Fan et al. 2020) results; a class absent from both an image's truth and its prediction
/// scores 1 for that image (see <see cref="OverlapScores"/>).</item>
/// <item><see cref="Global"/>: the pixel counts of all images summed first, then scored once (micro average);
/// large lesions weigh more and empty images do not count as perfect.</item>
/// </list>
/// Per-image rows are kept for CSV. Renders as JSON (snake_case, stable names), CSV and a Markdown table.
/// Evaluation metrics as in Chen, Yao, Zhang 2020 (DSC, accuracy, precision), plus IoU, sensitivity, specificity.
/// </summary>
public sealed class MetricsReport
{
    /// <summary>The format field of metrics.json; reports without one (written before it was recorded) have the same shape.</summary>
    public const string Format = "covidseg-metrics/1";

    public IReadOnlyList<string> ClassNames { get; }
    public int ImageCount => Images.Count;
    public SegmentationScores MeanOverImages { get; }
    public SegmentationScores Global { get; }
    /// <summary>Lesion Dice averaged over the images whose truth holds the class (see <see cref="PresentClassDice"/>).</summary>
    public IReadOnlyList<PresentClassDice> MeanOverImagesWithClass { get; }
    [JsonPropertyName("total_confusion_matrix")] public ConfusionMatrix TotalConfusion { get; }
    public IReadOnlyList<ImageMetrics> Images { get; }

    private MetricsReport(IReadOnlyList<string> classNames, IReadOnlyList<ImageMetrics> images,
        SegmentationScores meanOverImages, SegmentationScores global, ConfusionMatrix total)
    {
        ClassNames = classNames;
        Images = images;
        MeanOverImages = meanOverImages;
        Global = global;
        TotalConfusion = total;
        MeanOverImagesWithClass = PresentClassDice.Of(images, classNames);
    }

    public static MetricsReport Build(LabelSet labels, IReadOnlyList<ImageMetrics> images) =>
        Build(labels.Classes.Select(c => c.Name).ToList(), images);

    /// <summary>Summarises per-image results; <paramref name="classNames"/>[i] names class i (0 = background).</summary>
    public static MetricsReport Build(IReadOnlyList<string> classNames, IReadOnlyList<ImageMetrics> images)
    {
        if (images.Count == 0) throw new CovidSegException("no images were evaluated, so there is nothing to report");
        var total = ConfusionMatrix.Sum(classNames.Count, images.Select(i => i.Confusion));
        return new MetricsReport(
            classNames.ToList(),
            images.ToList(),
            SegmentationScores.MeanOverImages(images.Select(i => i.Scores), classNames),
            SegmentationScores.FromMatrix(total, classNames),
            total);
    }

    public string ToJson() => JsonConvention.Serialize(this, Format);

    /// <summary>
    /// Reads a report written by <see cref="ToJson"/>. Only the class names and the per-image pixel counts are taken;
    /// every score is recomputed from them, so a stored report cannot disagree with itself.
    /// </summary>
    public static MetricsReport FromJson(string json, string source)
    {
        StoredReport? stored;
        try
        {
            stored = JsonConvention.Deserialize<StoredReport>(json, Format);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(source, $"not a metrics report: {e.Message}", e);
        }
        if (stored?.ClassNames is not { Count: >= 2 } names)
            throw new InvalidInputException(source, "not a metrics report: class_names must list background and at least one class");
        if (stored.Images is not { Count: > 0 } images)
            throw new InvalidInputException(source, "not a metrics report: it has no images");
        var rows = new List<ImageMetrics>(images.Count);
        foreach (var image in images)
        {
            if (image?.Id is null || image.Confusion is null)
                throw new InvalidInputException(source, "not a metrics report: each image needs an id and a confusion_matrix");
            if (image.Confusion.ClassCount != names.Count)
                throw new InvalidInputException(source, $"image {image.Id} has a {image.Confusion.ClassCount}-class confusion matrix but the report names {names.Count} classes");
            rows.Add(ImageMetrics.FromMatrix(image.Id, image.Confusion, names));
        }
        return Build(names, rows);
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    public static MetricsReport Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(path, $"cannot read the metrics report: {e.Message}", e);
        }
        return FromJson(json, path);
    }

    /// <summary>
    /// One row per image (<c>row_type</c> = image), then a <c>mean_over_images</c> and a <c>global</c> summary row;
    /// the score columns are those of <see cref="SegmentationScores.ToColumns"/>. Numbers use invariant culture,
    /// six decimals.
    /// </summary>
    public string ToCsv()
    {
        var csv = new CsvWriter();
        csv.Row(["row_type", "id", .. Global.ToColumns().Select(c => c.Key)]);
        foreach (var image in Images) AppendCsvRow(csv, "image", image.Id, image.Scores);
        AppendCsvRow(csv, "mean_over_images", "", MeanOverImages);
        AppendCsvRow(csv, "global", "", Global);
        return csv.ToString();
    }

    public void SaveCsv(string path) => AtomicFile.WriteAllText(path, ToCsv());

    /// <summary>FOLDER/metrics.json, metrics.csv and metrics.md, the files evaluate and demo leave for people and programs.</summary>
    public void SaveAll(string folder)
    {
        Save(Path.Combine(folder, "metrics.json"));
        SaveCsv(Path.Combine(folder, "metrics.csv"));
        AtomicFile.WriteAllText(Path.Combine(folder, "metrics.md"), ToMarkdown());
    }

    private static void AppendCsvRow(CsvWriter csv, string rowType, string id, SegmentationScores scores) =>
        csv.Row([rowType, id, .. scores.ToColumns().Select(column => column.Value.ToString("F6", CultureInfo.InvariantCulture))]);

    /// <summary>Two tables (mean over images, global pixel sums) of the lesion classes and their mean, four decimals.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        AppendMarkdownTable(sb, $"Mean over images (n = {ImageCount}; a class absent from both truth and prediction of an image scores 1 there)", MeanOverImages);
        sb.Append('\n');
        AppendMarkdownTable(sb, $"Global pixel sums over all {ImageCount} images", Global);
        sb.Append('\n').Append("**Dice over the images whose truth holds the class**\n\n");
        var present = MarkdownTable.Numeric("Class", "Images", "Dice");
        foreach (var c in MeanOverImagesWithClass)
            present.Row([c.ClassName, c.Images.ToString(CultureInfo.InvariantCulture), c.Dice is { } d ? F4(d) : "n/a"]);
        present.AppendTo(sb);
        return sb.ToString();
    }

    private static void AppendMarkdownTable(StringBuilder sb, string title, SegmentationScores scores)
    {
        sb.Append("**").Append(title).Append("**\n\n");
        var table = MarkdownTable.Numeric("Class", "Dice", "IoU", "Precision", "Sensitivity", "Specificity");
        foreach (var c in scores.Lesions) table.Row([c.ClassName, .. c.Scores.Values.Select(F4)]);
        table.Row(["**Lesion mean**", .. scores.LesionMean.Values.Select(F4)]);
        table.AppendTo(sb).Append('\n');
        sb.Append("Pixel accuracy ").Append(F4(scores.PixelAccuracy))
          .Append("; paper all-class mean Dice (with background) ").Append(F4(scores.PaperAllClassMeanDice))
          .Append("; paper all-class mean precision (with background) ").Append(F4(scores.PaperAllClassMeanPrecision))
          .Append(".\n");
    }

    private static string F4(double v) => v.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>What <see cref="FromJson"/> reads: the inputs of a report, not its derived scores.</summary>
    private sealed record StoredReport(
        IReadOnlyList<string>? ClassNames,
        IReadOnlyList<StoredImage?>? Images);

    private sealed record StoredImage(
        string? Id,
        [property: JsonPropertyName("confusion_matrix")] ConfusionMatrix? Confusion);
}
