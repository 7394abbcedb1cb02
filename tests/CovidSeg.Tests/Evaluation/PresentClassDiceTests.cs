using CovidSeg.Evaluation;

namespace CovidSeg.Tests.Evaluation;

public class PresentClassDiceTests
{
    private static readonly string[] Names = ["background", "ggo", "consolidation"];

    private static ImageMetrics Image(string id, byte[] truth, byte[] predicted) =>
        ImageMetrics.FromMatrix(id, ConfusionMatrix.FromLabels(truth, predicted, 3, id), Names);

    [Fact]
    public void OnlyImagesWhoseTruthHoldsTheClassCount()
    {
        var images = new[]
        {
            // GGO in truth: 2 true pixels, 1 found, 1 false positive: Dice 2*1/(2*1+1+1) = 0.5. No consolidation anywhere: 1.
            Image("a", [1, 1, 0, 0], [1, 0, 1, 0]),
            // Nothing in truth, nothing predicted: both classes score 1 in the plain mean only.
            Image("b", [0, 0, 0, 0], [0, 0, 0, 0]),
            // Consolidation in truth, found exactly: 1; GGO absent from truth but predicted once: 0 in the plain mean.
            Image("c", [2, 2, 0, 0], [2, 2, 1, 0]),
        };
        var report = MetricsReport.Build(Names, images);

        Assert.Equal((0.5 + 1 + 0) / 3, report.MeanOverImages.PerClass[1].Scores.Dice, 12);
        Assert.Equal((1 + 1 + 1) / 3.0, report.MeanOverImages.PerClass[2].Scores.Dice, 12);
        var ggo = report.MeanOverImagesWithClass[0];
        var consolidation = report.MeanOverImagesWithClass[1];
        Assert.Equal(("ggo", 1, 0.5), (ggo.ClassName, ggo.Images, ggo.Dice!.Value));
        Assert.Equal(("consolidation", 1, 1.0), (consolidation.ClassName, consolidation.Images, consolidation.Dice!.Value));
        Assert.Equal(0.75, PresentClassDice.LesionMean(report.MeanOverImagesWithClass)!.Value, 12);
        Assert.Contains("| ggo | 1 | 0.5000 |", report.ToMarkdown());
        Assert.Contains("\"mean_over_images_with_class\"", report.ToJson());
    }

    [Fact]
    public void AClassNoImageHoldsHasNoMean()
    {
        var report = MetricsReport.Build(Names, [Image("a", [1, 0], [1, 0])]);
        Assert.Null(report.MeanOverImagesWithClass[1].Dice);
        Assert.Equal(0, report.MeanOverImagesWithClass[1].Images);
        Assert.Equal(1.0, PresentClassDice.LesionMean(report.MeanOverImagesWithClass)!.Value);
        Assert.Contains("| consolidation | 0 | n/a |", report.ToMarkdown());
    }
}
