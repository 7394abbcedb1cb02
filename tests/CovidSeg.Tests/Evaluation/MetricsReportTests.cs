using System.Globalization;
using System.Text.Json;
using CovidSeg.Data;
using CovidSeg.Evaluation;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Evaluation;

public class MetricsReportTests
{
    private const int Precision = 12;

    /// <summary>The worked 4x4 image ("worked, 1") and a perfect, all-background 2x2 image ("empty").</summary>
    private static MetricsReport TwoImageReport()
    {
        var acc = new MetricsAccumulator(LabelSet.SemiSeg);
        acc.Add("worked, 1", TestMasks.WorkedTruth, TestMasks.WorkedPrediction);
        acc.Add("empty", TestMasks.Parse("00", "00"), TestMasks.Parse("00", "00"));
        return acc.ToReport();
    }

    [Fact]
    public void JsonHasStableSnakeCaseNamesAndTheValues()
    {
        using var doc = JsonDocument.Parse(TwoImageReport().ToJson());
        var root = doc.RootElement;

        Assert.Equal(["background", "ground-glass opacity", "consolidation"],
            root.GetProperty("class_names").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, root.GetProperty("image_count").GetInt32());

        var image = root.GetProperty("images")[0];
        Assert.Equal("worked, 1", image.GetProperty("id").GetString());
        Assert.Equal(8, image.GetProperty("confusion_matrix")[0][0].GetInt64());
        Assert.Equal(2, image.GetProperty("confusion_matrix")[0][1].GetInt64());
        var ggo = image.GetProperty("scores").GetProperty("per_class")[1];
        Assert.Equal(1, ggo.GetProperty("class_index").GetInt32());
        Assert.Equal("ground-glass opacity", ggo.GetProperty("class_name").GetString());
        Assert.Equal(2.0 / 3, ggo.GetProperty("scores").GetProperty("dice").GetDouble(), Precision);
        Assert.Equal(0.5, ggo.GetProperty("scores").GetProperty("iou").GetDouble(), Precision);
        Assert.Equal(0.75, ggo.GetProperty("scores").GetProperty("sensitivity").GetDouble(), Precision);

        // Mean over images: GGO Dice (2/3 + 1) / 2 = 5/6; globally the empty image adds only background (TN).
        var mean = root.GetProperty("mean_over_images");
        Assert.Equal(5.0 / 6, mean.GetProperty("per_class")[1].GetProperty("scores").GetProperty("dice").GetDouble(), Precision);
        var global = root.GetProperty("global");
        Assert.Equal(2.0 / 3, global.GetProperty("per_class")[1].GetProperty("scores").GetProperty("dice").GetDouble(), Precision);
        // Global background: TP 8 + 4 = 12, FP 2, FN 2 -> Dice 24/28; all-class mean (24/28 + 2/3 + 2/3) / 3.
        Assert.Equal((24.0 / 28 + 4.0 / 3) / 3, global.GetProperty("paper_all_class_mean_dice").GetDouble(), Precision);
        Assert.Equal(2.0 / 3, global.GetProperty("lesion_mean").GetProperty("dice").GetDouble(), Precision);
        Assert.Equal(16.0 / 20, global.GetProperty("pixel_accuracy").GetDouble(), Precision); // 12 + 4 correct of 20
        Assert.Equal(12, root.GetProperty("total_confusion_matrix")[0][0].GetInt64());
    }

    [Fact]
    public void JsonRoundTripsAndBadJsonNamesTheFile()
    {
        var report = TwoImageReport();
        var back = MetricsReport.FromJson(report.ToJson(), "report.json");

        Assert.Equal(report.ClassNames, back.ClassNames);
        Assert.Equal(report.TotalConfusion, back.TotalConfusion);
        Assert.Equal(report.ToCsv(), back.ToCsv());

        var e = Assert.Throws<InvalidInputException>(() => MetricsReport.FromJson("{ \"class_names\": [\"a\", \"b\"], \"images\": [] }", "folds/3.json"));
        Assert.Equal("folds/3.json", e.InputPath);
        Assert.Contains("no images", e.Problem);
        Assert.Throws<InvalidInputException>(() => MetricsReport.FromJson("not json", "x.json"));
        var mismatch = "{ \"class_names\": [\"a\", \"b\", \"c\"], \"images\": [ { \"id\": \"1\", \"confusion_matrix\": [[1, 0], [0, 1]] } ] }";
        Assert.Contains("2-class confusion matrix", Assert.Throws<InvalidInputException>(() => MetricsReport.FromJson(mismatch, "m.json")).Message);
        Assert.Throws<InvalidInputException>(() => MetricsReport.FromJson("{ \"class_names\": [\"a\", \"b\"], \"images\": [ { \"id\": \"1\", \"confusion_matrix\": [[1, 0]] } ] }", "s.json"));
    }

    [Fact]
    public void CsvHasOneRowPerImageAndTwoSummaryRows()
    {
        var lines = TwoImageReport().ToCsv().TrimEnd('\n').Split('\n');

        Assert.Equal(1 + 2 + 2, lines.Length);
        var header = lines[0].Split(',');
        Assert.Equal(["row_type", "id", "pixel_accuracy", "dice_background"], header.Take(4));
        Assert.Equal("paper_all_class_mean_precision", header[^1]);
        int dice1 = Array.IndexOf(header, "dice_ground_glass_opacity");
        int sens1 = Array.IndexOf(header, "sensitivity_ground_glass_opacity");
        Assert.True(dice1 > 0 && sens1 > 0);

        // The id holds a comma, so it is quoted; the remaining fields have no commas.
        Assert.StartsWith("image,\"worked, 1\",0.750000,", lines[1]);
        var worked = Fields(lines[1]);
        Assert.Equal(header.Length, worked.Count);
        Assert.Equal("0.666667", worked[dice1]);
        Assert.Equal("0.750000", worked[sens1]);
        Assert.Equal("image,empty,1.000000", string.Join(',', Fields(lines[2]).Take(3)));
        Assert.Equal("mean_over_images", lines[3].Split(',')[0]);
        Assert.Equal((5.0 / 6).ToString("F6", CultureInfo.InvariantCulture), Fields(lines[3])[dice1]);
        Assert.Equal("global", lines[4].Split(',')[0]);
        Assert.Equal("0.666667", Fields(lines[4])[dice1]);
    }

    [Fact]
    public void MarkdownShowsLesionClassesTheirMeanAndThePaperMeanNamedPlainly()
    {
        string md = TwoImageReport().ToMarkdown();

        // Global GGO: TP 3, FP 2, FN 1, TN 10 + 4 = 14 -> specificity 14/16.
        Assert.Contains("| ground-glass opacity | 0.6667 | 0.5000 | 0.6000 | 0.7500 | 0.8750 |", md);
        // Mean over images: GGO ((2/3 + 1)/2, (1/2 + 1)/2, (3/5 + 1)/2, (3/4 + 1)/2, (5/6 + 1)/2).
        Assert.Contains("| ground-glass opacity | 0.8333 | 0.7500 | 0.8000 | 0.8750 | 0.9167 |", md);
        Assert.Contains("| **Lesion mean** |", md);
        Assert.Contains("paper all-class mean Dice (with background)", md);
        Assert.DoesNotContain("| background |", md);
        Assert.Contains("Mean over images (n = 2", md);
        Assert.Contains("Global pixel sums", md);
    }

    private static List<string> Fields(string csvLine)
    {
        // Minimal CSV split that honours double quotes (enough for these rows).
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char ch in csvLine)
        {
            if (ch == '"') quoted = !quoted;
            else if (ch == ',' && !quoted) { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(ch);
        }
        fields.Add(current.ToString());
        return fields;
    }
}
