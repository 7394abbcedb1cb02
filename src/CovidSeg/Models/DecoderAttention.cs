using static TorchSharp.torch;

namespace CovidSeg.Models;

/// <summary>Fills the attention slot of one decoder block from its <see cref="AttentionKind"/>.</summary>
public static class DecoderAttention
{
    /// <summary>The module for decoder level <paramref name="level"/>, or null for an empty slot.</summary>
    /// <param name="channels">Width of the joined map (skip + up-sampled) the attention sees.</param>
    public static nn.Module<Tensor, Tensor>? Create(AttentionKind kind, int level, int channels, LshAttentionOptions options) => kind switch
    {
        AttentionKind.None => null,
        // Offset by the level so each level hashes differently.
        AttentionKind.Lsh => new LshAttention2d("attention", channels, options with { Seed = options.Seed + level }),
        AttentionKind.Full => new FullSelfAttention2d("attention", channels, options.Heads, options.GammaInit),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such attention"),
    };
}
