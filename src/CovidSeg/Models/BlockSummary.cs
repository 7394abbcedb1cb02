namespace CovidSeg.Models;

/// <summary>One row of a <see cref="ModelSummary"/>: a top-level block of a network.</summary>
/// <param name="Name">Block name (encoder0 .. bridge .. decoder0 .. head).</param>
/// <param name="OutputShape">Shape of the block's output on the padded grid, batch 1.</param>
/// <param name="Parameters">Trainable and normalisation parameters (weights, biases, scales, shifts).</param>
/// <param name="Macs">Multiply-accumulates of one forward pass (convolutions, linear layers, attention estimate).</param>
/// <param name="AttentionMacs">The part of <paramref name="Macs"/> spent in self-attention layers (projections and attention products).</param>
/// <param name="AttentionParameters">The part of <paramref name="Parameters"/> held by self-attention layers (LayerNorm, projections, gamma).</param>
public sealed record BlockSummary(string Name, IReadOnlyList<long> OutputShape, long Parameters, long Macs, long AttentionMacs, long AttentionParameters)
{
    /// <summary>Floating-point operations: two per multiply-accumulate.</summary>
    public long Flops => 2 * Macs;
}
