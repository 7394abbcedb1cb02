using CovidSeg.Inference;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Inference;

/// <summary>Each symmetry is mapped back onto the original grid, so the average equals the hand-computed one.</summary>
public class TestTimeAugmentationTests
{
    // A "network" that is neither pixel-wise nor symmetric: its output at a pixel depends on where the pixel is and on
    // its left and upper neighbours, so a variant mapped back wrongly (wrong axis, transpose not undone) gives a
    // different average, and mirrors and transposes give different averages.
    private static Tensor PositionalScores(Tensor x)
    {
        var (h, w) = (x.shape[2], x.shape[3]);
        var rows = arange(h, dtype: float32).view(1, 1, h, 1);
        var cols = arange(w, dtype: float32).view(1, 1, 1, w);
        return cat([x * 2 + rows + x.roll(1, 3), x - cols * 3 + 0.5 * x.roll(1, 2)], 1);
    }

    [Fact]
    public void NoneIsOnePassOfTheNetwork()
    {
        using var image = rand([2, 1, 5, 7], generator: new Generator(3));
        using var expected = PositionalScores(image);
        using var actual = TestTimeAugmentation.None.Average(image, PositionalScores);
        Assert.True(actual.allclose(expected, rtol: 0, atol: 0));
        Assert.Equal(1, TestTimeAugmentation.None.Passes);
    }

    [Fact]
    public void FlipsAndDihedralAverageTheirVariantsMappedBack()
    {
        using var image = rand([2, 1, 6, 6], generator: new Generator(4));
        Tensor Back(Tensor input, bool transpose, long[] axes)
        {
            var x = transpose ? input.transpose(2, 3) : input;
            if (axes.Length > 0) x = x.flip(axes);
            var y = PositionalScores(x);
            if (axes.Length > 0) y = y.flip(axes);
            return transpose ? y.transpose(2, 3) : y;
        }
        long[][] mirrors = [[], [3], [2], [2, 3]];
        using var flips = stack(mirrors.Select(a => Back(image, false, a))).mean([0]);
        using var dihedral = stack(mirrors.Select(a => Back(image, false, a)).Concat(mirrors.Select(a => Back(image, true, a)))).mean([0]);
        using var actualFlips = TestTimeAugmentation.Flips.Average(image, PositionalScores);
        using var actualDihedral = TestTimeAugmentation.Dihedral.Average(image, PositionalScores);
        Assert.True(actualFlips.allclose(flips, rtol: 0, atol: 1e-5));
        Assert.True(actualDihedral.allclose(dihedral, rtol: 0, atol: 1e-5));
        // The positional part averages to the centre, which only a correct mapping back gives: rows 0..5 average 2.5.
        Assert.Equal(new long[] { 2, 2, 6, 6 }, actualDihedral.shape);
        double apart = (actualDihedral - actualFlips).abs().max().item<float>();
        Assert.True(apart > 1e-3, $"dihedral and flips differ by only {apart}");
    }

    [Fact]
    public void ASymmetricNetworkGivesItsOwnOutput()
    {
        // A pixel-wise network commutes with every symmetry, so averaging changes nothing: the variants are undone exactly.
        using var image = rand([1, 1, 4, 9], generator: new Generator(5));
        Func<Tensor, Tensor> pixelwise = x => cat([x.sigmoid(), 1 - x.sigmoid()], 1);
        using var expected = pixelwise(image);
        foreach (var tta in TestTimeAugmentation.All)
        {
            using var actual = tta.Average(image, pixelwise);
            Assert.True(actual.allclose(expected, rtol: 0, atol: 1e-6), tta.Name);
        }
    }

    [Theory]
    [InlineData("none", 1)]
    [InlineData("Flips", 4)]
    [InlineData(" dihedral ", 8)]
    public void ParsesTheOptionValues(string text, int passes) => Assert.Equal(passes, TestTimeAugmentation.Parse(text).Passes);

    [Fact]
    public void RefusesAnUnknownName()
    {
        var e = Assert.Throws<CovidSegException>(() => TestTimeAugmentation.Parse("rotations"));
        Assert.Equal("--tta: 'rotations' is not one of none, flips, dihedral", e.Message);
    }
}
