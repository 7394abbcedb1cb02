using CovidSeg.Runs;
using CovidSeg.Training;
using CovidSeg.Training.SemiSupervised;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Training.SemiSupervised;

public class PseudoLabellerTests
{
    [Fact]
    public void ConfidentPixelsKeepTheirClassAndTheRestAreIgnored()
    {
        // Three classes over a 3 x 2 slice (width 3, height 2), pixel by pixel in row order.
        float[,] perPixel =
        {
            { 0.95f, 0.03f, 0.02f }, // background, sure
            { 0.10f, 0.85f, 0.05f }, // GGO, below 0.9
            { 0.02f, 0.90f, 0.08f }, // GGO, exactly at the threshold
            { 0.30f, 0.30f, 0.40f }, // nobody is sure
            { 0.00f, 0.01f, 0.99f }, // consolidation, sure
            { 0.05f, 0.05f, 0.90f }, // consolidation, at the threshold
        };
        var values = new float[3 * 6];
        for (int p = 0; p < 6; p++)
            for (int c = 0; c < 3; c++) values[c * 6 + p] = perPixel[p, c];
        using var probabilities = tensor(values, [3, 2, 3]);

        var mask = PseudoLabeller.Threshold(probabilities, [0.9, 0.9, 0.9]);

        Assert.Equal(3, mask.Width);
        Assert.Equal(2, mask.Height);
        byte unsure = SegmentationLoss.IgnoredLabel;
        Assert.Equal(new byte[] { 0, unsure, 1, unsure, 2, 2 }, mask.Labels);
        Assert.Equal(new byte[] { 0, 1, 1, 2, 2, 2 }, PseudoLabeller.Threshold(probabilities, [0.3, 0.3, 0.3]).Labels);
        // A class with its own lower threshold keeps its less confident pixels.
        Assert.Equal(new byte[] { 0, 1, 1, unsure, 2, 2 }, PseudoLabeller.Threshold(probabilities, [0.9, 0.8, 0.9]).Labels);
    }

    [Fact]
    public void BalancedThresholdsKeepTheMostConfidentShareOfEveryClass()
    {
        var image = new CovidSeg.Imaging.GreyImage(10, 1, new float[10], CovidSeg.Imaging.IntensityScale.Display8Bit);
        // Background: four sure pixels. Class 1: six pixels from 0.40 to 0.90. Class 2: never predicted.
        var prediction = new TeacherPrediction("a", image,
            [0, 0, 0, 0, 1, 1, 1, 1, 1, 1],
            [0.99f, 0.98f, 0.97f, 0.96f, 0.40f, 0.50f, 0.60f, 0.70f, 0.80f, 0.90f]);

        var thresholds = ClassThresholds.Balanced([prediction], classes: 3, threshold: 0.95, keepShare: 0.5);

        // Background keeps its global threshold (all four are above it); class 1's top half is 0.70 and up; class 2 keeps 0.95.
        Assert.Equal(0.95, thresholds[0], 6);
        Assert.Equal(0.70, thresholds[1], 6);
        Assert.Equal(0.95, thresholds[2], 6);
        var label = PseudoLabeller.Label(prediction, thresholds);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 255, 255, 255, 1, 1, 1 }, label.Mask.Labels);
        Assert.Equal(0.7, label.ConfidentFraction, 12);
        Assert.Equal(0.3, label.LesionFraction, 12);
        Assert.Equal(new[] { 0.95, 0.95, 0.95 }, ClassThresholds.Balanced([prediction], 3, 0.95, keepShare: 0));
    }

    [Fact]
    public void TheOptionsRefuseSettingsThatCannotWork()
    {
        Assert.Throws<CovidSegException>(() => new PseudoLabelOptions(Threshold: 0).Validate());
        Assert.Throws<CovidSegException>(() => new PseudoLabelOptions(Threshold: 1.5).Validate());
        Assert.Throws<CovidSegException>(() => new PseudoLabelOptions(Slices: 10, Candidates: 5).Validate());
        Assert.Throws<CovidSegException>(() => new PseudoLabelOptions(Rounds: 0).Validate());
        Assert.Equal(new PseudoLabelOptions(), new PseudoLabelOptions().Validate());
    }
}
