using System.Globalization;
using System.Net;
using System.Text;
using CovidSeg.Data;
using CovidSeg.IO;
using CovidSeg.Labels;

namespace CovidSeg.Inference;

/// <summary>
/// The batch-level files of <c>covidseg predict</c>: DIR/summary.csv (one row per input, failed inputs with their
/// error) and DIR/report.html, a single self-contained page (overlays embedded as base64 PNG data URIs, no scripts,
/// no external files) with the overlays and the table of each input, so it opens from disk in any browser.
/// </summary>
public static class PredictionReports
{
    public const string SummaryFile = "summary.csv";
    public const string HtmlFile = "report.html";

    public static string SummaryCsv(IReadOnlyList<PredictionOutcome> outcomes, LabelSet labels)
    {
        var sb = new StringBuilder();
        sb.Append("input,status,kind,width,height,depth,voxel_size_mm");
        foreach (var c in labels.Lesions)
        {
            string slug = c.Name.Replace(' ', '_').Replace('-', '_');
            sb.Append($",{slug}_pixels,{slug}_mm2,{slug}_ml,{slug}_percent_of_lung");
        }
        sb.AppendLine(",lung_pixels,lung_mm2,lung_ml,percent_opacity,lung_mask_method,seconds,error");
        foreach (var o in outcomes)
        {
            sb.Append(Csv(o.Input));
            if (o.Report is not { } r)
            {
                sb.Append(",failed,,,,,");
                foreach (var _ in labels.Lesions) sb.Append(",,,,");
                sb.Append(",,,,,,,").AppendLine(Csv(o.Error ?? ""));
                continue;
            }
            sb.Append($",ok,{r.Kind},{r.Width},{r.Height},{r.Depth},{Csv(r.VoxelSizeMm is null ? "" : string.Join(" x ", r.VoxelSizeMm.Select(N)))}");
            foreach (var c in r.Classes)
                sb.Append($",{c.Pixels},{N(c.AreaMm2)},{N(c.VolumeMl)},{N(c.PercentOfLung)}");
            sb.Append($",{r.LungPixels},{N(r.LungAreaMm2)},{N(r.LungVolumeMl)},{N(r.PercentOpacity)},{Csv(r.LungMaskMethod)},{N(r.Seconds)},").AppendLine();
        }
        return sb.ToString();
    }

    public static string Html(IReadOnlyList<PredictionOutcome> outcomes, IReadOnlyList<string> models, TestTimeAugmentation tta, LabelSet labels, PrecisionChoice? precision = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>CovidSeg prediction report</title>");
        sb.AppendLine("<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:.5em 0}" +
                      "td,th{border:1px solid #bbb;padding:.2em .6em;text-align:right}td:first-child,th:first-child{text-align:left}" +
                      "figure{display:inline-block;margin:.3em}img{max-width:30em;image-rendering:pixelated}.error{color:#b00}" +
                      ".swatch{display:inline-block;width:1em;height:1em;vertical-align:middle;margin:0 .3em 0 1em}</style></head><body>");
        sb.AppendLine("<h1>CovidSeg prediction report</h1>");
        sb.AppendLine($"<p>Model{(models.Count > 1 ? "s (ensemble, softmax averaged)" : "")}: {E(string.Join(", ", models))}{(tta.IsNone ? "" : $"; test-time augmentation: {tta.Description}")}{(precision is null ? "" : "; network precision " + E(precision.Describe()))}. " +
                      $"{outcomes.Count(o => o.Succeeded)} of {outcomes.Count} inputs segmented.</p>");
        // The overlays' colours, named, from the same label set the PNGs were drawn with.
        sb.Append("<p class=\"legend\">Colours:");
        foreach (var c in labels.Lesions)
            sb.Append($"<span class=\"swatch\" style=\"background:rgb({c.R},{c.G},{c.B})\"></span>{E(c.Name)}");
        sb.AppendLine("</p>");
        foreach (var o in outcomes)
        {
            sb.AppendLine($"<h2>{E(o.Input)}</h2>");
            if (o.Report is not { } r)
            {
                sb.AppendLine($"<p class=\"error\">failed: {E(o.Error ?? "")}</p>");
                continue;
            }
            foreach (var overlay in o.Overlays)
                sb.AppendLine($"<figure><img alt=\"{E(overlay.Caption)}\" src=\"data:image/png;base64,{Convert.ToBase64String(overlay.Png)}\"><figcaption>{E(overlay.Caption)}</figcaption></figure>");
            sb.AppendLine($"<p>{E(r.Kind)}, {r.Width} x {r.Height}{(r.Depth > 1 ? $" x {r.Depth}" : "")} pixels; voxel size " +
                          $"{(r.VoxelSizeMm is null ? "unknown" : E(string.Join(" x ", r.VoxelSizeMm.Select(N))) + " mm")}</p>");
            sb.AppendLine($"<table><tr><th>class</th><th>pixels</th><th>{E(r.SizeUnit)}</th><th>% of lung</th></tr>");
            foreach (var c in r.Classes)
                sb.AppendLine($"<tr><td>{E(c.Name)}</td><td>{c.Pixels}</td><td>{InfectionQuantification.F(InfectionQuantification.SizeOf(c))}</td><td>{InfectionQuantification.F(c.PercentOfLung)}</td></tr>");
            sb.AppendLine($"<tr><td>lung</td><td>{r.LungPixels}</td><td>{InfectionQuantification.F(r.LungSize)}</td><td></td></tr>");
            sb.AppendLine($"<tr><th>opacity (all lesions)</th><th>{r.Classes.Sum(c => c.Pixels)}</th><th></th><th>{InfectionQuantification.F(r.PercentOpacity)}</th></tr></table>");
            sb.AppendLine($"<p>Lung mask: {E(r.LungMaskMethod)}.</p>");
            sb.AppendLine($"<p>{E(r.TimeTaken())}</p>");
            foreach (var n in r.Notes) sb.AppendLine($"<p>Note: {E(n)}.</p>");
        }
        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    /// <summary>Writes both files into <paramref name="outputDirectory"/> (each atomically).</summary>
    public static void Write(string outputDirectory, IReadOnlyList<PredictionOutcome> outcomes, LabelSet labels, IReadOnlyList<string> models, TestTimeAugmentation tta, PrecisionChoice? precision = null)
    {
        AtomicFile.WriteAllText(Path.Combine(outputDirectory, SummaryFile), SummaryCsv(outcomes, labels));
        AtomicFile.WriteAllText(Path.Combine(outputDirectory, HtmlFile), Html(outcomes, models, tta, labels, precision));
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string N(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Csv(string s) => CsvWriter.Field(s);
}
