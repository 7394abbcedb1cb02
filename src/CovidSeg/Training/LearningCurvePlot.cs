using CovidSeg.IO;
using CovidSeg.Runs;

namespace CovidSeg.Training;

/// <summary>RUN_DIR/learning-curve.png: training loss (the training objective) and validation cross-entropy on the left
/// axis, validation lesion Dice both ways of averaging on the right.</summary>
public static class LearningCurvePlot
{
    public const string FileName = "learning-curve.png";

    public static void Write(string runDirectory, IReadOnlyList<EpochRecord> history)
    {
        if (history.Count == 0) return;
        var plot = new ScottPlot.Plot();
        double[] epochs = history.Select(r => (double)r.Epoch).ToArray();
        var train = plot.Add.Scatter(epochs, history.Select(r => r.TrainLoss).ToArray());
        train.LegendText = "training loss";
        var withValidation = history.Where(r => r.ValidationLoss.HasValue).ToList();
        if (withValidation.Count > 0)
        {
            double[] ve = withValidation.Select(r => (double)r.Epoch).ToArray();
            var val = plot.Add.Scatter(ve, withValidation.Select(r => r.ValidationLoss!.Value).ToArray());
            val.LegendText = "validation loss (cross-entropy)";
            var dice = plot.Add.Scatter(ve, withValidation.Select(r => r.ValidationLesionDice ?? 0).ToArray());
            dice.LegendText = "validation lesion Dice (mean over images)";
            dice.Axes.YAxis = plot.Axes.Right;
            var pooled = plot.Add.Scatter(ve, withValidation.Select(r => r.ValidationGlobalLesionDice ?? 0).ToArray());
            pooled.LegendText = "validation lesion Dice (pooled pixels; picks the best epoch)";
            pooled.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "lesion Dice";
        }
        plot.Axes.Bottom.Label.Text = "epoch";
        plot.Axes.Left.Label.Text = "loss";
        // Beside the plot area, not in it: inside, the legend box covered the curves of the last epochs.
        plot.ShowLegend(ScottPlot.Edge.Right);
        byte[] png = plot.GetImageBytes(1300, 520, ScottPlot.ImageFormat.Png);
        AtomicFile.WriteAllBytes(Path.Combine(runDirectory, FileName), png);
    }
}
