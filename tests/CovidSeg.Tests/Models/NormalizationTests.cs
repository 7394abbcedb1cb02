using CovidSeg.Models;
using TorchSharp;

namespace CovidSeg.Tests.Models;

public class NormalizationTests
{
    [Theory]
    [InlineData(NormKind.Batch)]
    [InlineData(NormKind.Group)]
    [InlineData(NormKind.Instance)]
    public void AffineParametersStartAtOneAndZero(NormKind kind)
    {
        // Guards against TorchSharp 0.107's GroupNorm, which leaves them uninitialised.
        using var norm = Normalization.Create(kind, 16)!;
        var p = norm.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        Assert.True(p["weight"].eq(1).all().item<bool>());
        Assert.True(p["bias"].eq(0).all().item<bool>());
    }

    [Fact]
    public void NoNormalisationMeansNoLayer() => Assert.Null(Normalization.Create(NormKind.None, 16));

    [Theory]
    [InlineData(16, 8)]
    [InlineData(4, 4)]
    [InlineData(12, 6)]
    [InlineData(3, 3)]
    public void GroupCountIsTheLargestDivisorUpToEight(long channels, long expected) =>
        Assert.Equal(expected, Normalization.GroupCount(channels));
}
