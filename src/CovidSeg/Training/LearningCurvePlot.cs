using CovidSeg.IO;

namespace CovidSeg.Training;

/// <summary>RUN_DIR/learning-curve.png: training and validation loss (left axis) and validation lesion Dice (right).</summary>
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
            val.LegendText = "validation loss";
            var dice = plot.Add.Scatter(ve, withValidation.Select(r => r.ValidationLesionDice ?? 0).ToArray());
            dice.LegendText = "validation lesion Dice";
            dice.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "lesion Dice (mean over images)";
        }
        plot.Axes.Bottom.Label.Text = "epoch";
        plot.Axes.Left.Label.Text = "loss";
        plot.ShowLegend();
        byte[] png = plot.GetImageBytes(900, 520, ScottPlot.ImageFormat.Png);
        AtomicFile.WriteAllBytes(Path.Combine(runDirectory, FileName), png);
    }
}
