using static TorchSharp.torch;

namespace CovidSeg.PostProcessing;

/// <summary>
/// The most probable class of every pixel of a [C, H, W] score map, as uint8 labels [H, W]; on ties the lowest class
/// wins, as <c>argmax</c> does. It is computed with C - 1 element-wise comparisons rather than libtorch's
/// <c>argmax(dim: 0)</c>, whose reduction across the outermost dimension is several times slower (docs/benchmarks.md;
/// the label step of every predicted slice runs through it).
/// </summary>
public static class ClassArgmax
{
    public static Tensor Labels(Tensor scores)
    {
        if (scores.dim() != 3) throw new ArgumentException($"expected a [C, H, W] score map, got shape [{string.Join(", ", scores.shape)}]");
        if (scores.shape[0] > byte.MaxValue + 1) throw new ArgumentException($"{scores.shape[0]} classes do not fit in uint8 labels");
        using var scope = NewDisposeScope();
        var best = scores[0];
        var labels = zeros([scores.shape[1], scores.shape[2]], dtype: uint8);
        for (int c = 1; c < scores.shape[0]; c++)
        {
            var candidate = scores[c];
            // Strictly greater: an equal later class does not displace the earlier one.
            labels.masked_fill_(candidate.gt(best), c);
            best = maximum(best, candidate);
        }
        return labels.MoveToOuterDisposeScope();
    }
}
