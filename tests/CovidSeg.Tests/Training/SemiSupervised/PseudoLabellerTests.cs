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

        var mask = PseudoLabeller.Threshold(probabilities, 0.9);

        Assert.Equal(3, mask.Width);
        Assert.Equal(2, mask.Height);
        byte unsure = SegmentationLoss.IgnoredLabel;
        Assert.Equal(new byte[] { 0, unsure, 1, unsure, 2, 2 }, mask.Labels);
        Assert.Equal(new byte[] { 0, 1, 1, 2, 2, 2 }, PseudoLabeller.Threshold(probabilities, 0.3).Labels);
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
