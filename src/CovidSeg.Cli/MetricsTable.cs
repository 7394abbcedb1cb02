using System.Globalization;
using CovidSeg.Evaluation;
using Spectre.Console;

namespace CovidSeg.Cli;

/// <summary>A metrics report as a console table: per lesion class and their mean, both ways of averaging.</summary>
public static class MetricsTable
{
    public static Table Render(MetricsReport report)
    {
        var table = new Table().AddColumn("class").AddColumn("averaging");
        foreach (var name in OverlapScores.MetricNames) table.AddColumn(new TableColumn(name).RightAligned());
        foreach (var (label, scores) in new[] { ("mean over images", report.MeanOverImages), ("pooled pixels", report.Global) })
        {
            foreach (var c in scores.Lesions) table.AddPlainRow([c.ClassName, label, .. c.Scores.Values.Select(F)]);
            table.AddPlainRow(["lesion mean", label, .. scores.LesionMean.Values.Select(F)]);
        }
        table.Caption = new TableTitle(string.Create(CultureInfo.InvariantCulture,
            $"{report.ImageCount} images; pixel accuracy {report.MeanOverImages.PixelAccuracy:F4} (mean over images); " +
            $"paper-style all-class Dice incl. background {report.MeanOverImages.PaperAllClassMeanDice:F4}"));
        return table;
    }

    private static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
}
