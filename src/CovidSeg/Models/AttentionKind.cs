namespace CovidSeg.Models;

/// <summary>
/// What fills a decoder block's attention slot, after the skip and up-sampled maps are joined (see
/// <see cref="DecoderAttention"/>). Oktay et al.'s additive gate on the skip, what MONAI's <c>AttentionUnet</c> means
/// by "attention U-Net", would be one more member and one more case there.
/// </summary>
public enum AttentionKind
{
    /// <summary>An empty slot: the joined map goes straight to the convolutions.</summary>
    None,

    /// <summary>Reformer LSH self-attention (<see cref="LshAttention2d"/>), the paper's.</summary>
    Lsh,

    /// <summary>Full softmax self-attention (<see cref="FullSelfAttention2d"/>): quadratic memory, the reference LSH approximates.</summary>
    Full,
}
