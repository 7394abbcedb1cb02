using CovidSeg.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Models;

/// <summary>Shared helpers of the LSH attention tests: seeded inputs, twin modules, error measures.</summary>
internal static class LshAttentionTestKit
{
    public static Tensor RandomInput(long seed, params long[] shape)
    {
        using var generator = new torch.Generator((ulong)seed);
        return torch.randn(shape, dtype: ScalarType.Float64, generator: generator);
    }

    /// <summary>An LSH block in double precision and a full-attention block holding the very same weights.</summary>
    public static (LshAttention2d Lsh, FullSelfAttention2d Full) Twins(int channels, LshAttentionOptions options, long seed = 7)
    {
        torch.manual_seed(seed);
        var lsh = new LshAttention2d("lsh", channels, options);
        lsh.to(ScalarType.Float64);
        var full = new FullSelfAttention2d("full", channels, options.Heads, options.GammaInit);
        full.to(ScalarType.Float64);
        full.load_state_dict(lsh.state_dict());
        return (lsh, full);
    }

    /// <summary>max |actual - expected| / max |expected|.</summary>
    public static double RelativeError(Tensor actual, Tensor expected) =>
        actual.sub(expected).abs().max().item<double>() / expected.abs().max().item<double>();

    /// <summary>True when both tensors have the same shape and exactly the same values.</summary>
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
