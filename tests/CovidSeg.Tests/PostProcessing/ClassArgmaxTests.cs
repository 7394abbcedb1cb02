using CovidSeg.Data;
using TorchSharp;
using static TorchSharp.torch;
using CovidSeg.PostProcessing;

namespace CovidSeg.Tests.PostProcessing;

public class ClassArgmaxTests
{
    [Fact]
    public void EqualsArgmaxIncludingTiesOnRandomMaps()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(11);
        foreach (long classes in new long[] { 1, 2, 4, 7 })
        {
            // Small integers make ties frequent: argmax's lowest-index rule must hold.
            var scores = randint(0, 3, [classes, 33, 17], generator: generator).to(float32);
            var expected = scores.argmax(0).to(uint8);
            Assert.True(expected.eq(ClassArgmax.Labels(scores)).all().item<bool>(), $"{classes} classes");
        }
    }

    [Fact]
    public void HandMadeMapGivesKnownLabels()
    {
        using var scope = NewDisposeScope();
        // Pixel 0: class 2 largest; pixel 1: classes 0 and 1 tie at the top -> 0; pixel 2: class 1.
        var scores = tensor(new float[] { 0.1f, 0.5f, 0.2f, 0.2f, 0.5f, 0.7f, 0.7f, 0f, 0.1f }, [3, 1, 3]);
        Assert.Equal(new byte[] { 2, 0, 1 }, ClassArgmax.Labels(scores).contiguous().bytes.ToArray());
    }

    [Fact]
    public void RejectsAWrongShape()
    {
        using var scores = zeros(2, 3);
        Assert.Throws<ArgumentException>(() => ClassArgmax.Labels(scores));
    }
}
