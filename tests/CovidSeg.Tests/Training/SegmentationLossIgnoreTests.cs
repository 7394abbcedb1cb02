using CovidSeg.Runs;
using CovidSeg.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Training;

/// <summary>Pixels marked <see cref="SegmentationLoss.IgnoredLabel"/> must count in neither loss term nor any gradient.</summary>
public class SegmentationLossIgnoreTests
{
    [Theory]
    [InlineData(LossKind.CrossEntropy)]
    [InlineData(LossKind.DiceCrossEntropy)]
    public void IgnoredPixelsAreAsIfTheyWereNotThere(LossKind kind)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        var logits = randn([1, 3, 2, 4], generator: generator);
        // Row 0 is labelled, row 1 is unknown.
        var target = tensor(new long[] { 0, 1, 2, 1, 255, 255, 255, 255 }, [1, 2, 4]);
        using var loss = new SegmentationLoss(kind, classWeights: null, classes: 3);

        var withIgnored = logits.detach().requires_grad_(true);
        var value = loss.Compute(withIgnored, target);
        value.backward();
        var labelledOnly = loss.Compute(logits.narrow(2, 0, 1), target.narrow(1, 0, 1));

        Assert.Equal(labelledOnly.item<float>(), value.item<float>(), 5);
        var ignoredGradient = withIgnored.grad!.narrow(2, 1, 1);
        Assert.Equal(0f, ignoredGradient.abs().max().item<float>());
        Assert.True(withIgnored.grad!.narrow(2, 0, 1).abs().max().item<float>() > 0);
    }

    [Fact]
    public void CrossEntropyOverTheKnownPixelsMatchesAHandComputation()
    {
        // One pixel of class 1 with logits (0, ln 3, 0): p = 3 / 5, loss = ln(5/3); the second pixel is ignored.
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 0, 5, (float)Math.Log(3), -2, 0, 1 }, [1, 3, 1, 2]);
        var target = tensor(new long[] { 1, 255 }, [1, 1, 2]);
        using var loss = new SegmentationLoss(LossKind.CrossEntropy, classWeights: null, classes: 3);
        Assert.Equal(Math.Log(5.0 / 3.0), loss.Compute(logits, target).item<float>(), 5);
    }
}
