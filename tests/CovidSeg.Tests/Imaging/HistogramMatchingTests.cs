using CovidSeg.Imaging;

namespace CovidSeg.Tests.Imaging;

public class HistogramMatchingTests
{
    private static GreyImage Image(params float[] levels) => new(levels.Length, 1, levels, IntensityScale.Display8Bit);

    [Fact]
    public void LevelsGoToTheReferenceLevelsWithTheSameCumulativeShare()
    {
        // Reference: a quarter at 0, a quarter at 100, half at 250. Source: a quarter each at 10, 20, 30, 40.
        var matching = HistogramMatching.ToImages([Image(0, 100, 250, 250)]);
        var matched = matching.Apply(Image(10, 20, 30, 40, 40, 30, 20, 10));
        Assert.Equal(new float[] { 0, 100, 250, 250, 250, 250, 100, 0 }, matched.Pixels);
        Assert.Equal(IntensityScale.Display8Bit, matched.Scale);
    }

    [Fact]
    public void AnImageMatchedToItselfIsUnchanged()
    {
        var image = Image(3, 3, 7, 90, 90, 90, 200, 255);
        Assert.Equal(image.Pixels, HistogramMatching.ToImages([image]).Apply(image).Pixels);
    }

    [Fact]
    public void TheOrderOfGreyLevelsIsKept()
    {
        var matching = HistogramMatching.ToImages([Image(5, 60, 60, 61, 180, 181, 240, 250)]);
        var matched = matching.Apply(Image(0, 1, 2, 3, 100, 101, 102, 103)).Pixels;
        for (int i = 1; i < matched.Length; i++) Assert.True(matched[i] >= matched[i - 1], $"level {i} went down: {string.Join(", ", matched)}");
    }
}
