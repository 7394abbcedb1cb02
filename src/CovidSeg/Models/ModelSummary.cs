using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CovidSeg.Models;

/// <summary>
/// Per-block parameters, output shapes and forward cost of a network for one input size, measured by running a
/// forward pass on a zero image (batch 1, evaluation mode, no gradients) with forward hooks on every convolution,
/// transposed convolution, linear layer and LSH attention layer.
/// Cost counts multiply-accumulates (MACs) from layer shapes: a convolution costs output elements x
/// in_channels / groups x k x k; a transposed convolution input elements x out_channels / groups x k x k; a linear
/// layer output elements x in_features. Normalisation, ReLU, pooling, padding and concatenation are not counted
/// (a few operations per element, small next to the convolutions). LSH attention is estimated from its options, see
/// <see cref="LshAttentionMacs"/>.
/// </summary>
public sealed record ModelSummary(
    ModelOptions Options,
    long Height,
    long Width,
    long PaddedHeight,
    long PaddedWidth,
    IReadOnlyList<BlockSummary> Blocks)
{
    public long TotalParameters => Blocks.Sum(b => b.Parameters);
    public long TotalMacs => Blocks.Sum(b => b.Macs);
    public long TotalAttentionMacs => Blocks.Sum(b => b.AttentionMacs);
    public long TotalFlops => 2 * TotalMacs;

    /// <summary>Summarises <paramref name="network"/> for a height x width input (any size; it is padded as in training).</summary>
    public static ModelSummary Compute(SegmentationNetwork network, long height, long width)
    {
        if (height < 1 || width < 1) throw new CovidSegException($"summary input size must be positive, got {height} x {width}");
        var names = network.BlockNames;
        var blockOf = new Dictionary<nn.Module, string>(ReferenceEqualityComparer.Instance);
        var attentionOf = new Dictionary<nn.Module, LshAttention2d>(ReferenceEqualityComparer.Instance);
        var attentions = new List<(LshAttention2d Layer, string Block)>();
        foreach (var name in names)
        {
            var block = network.BlockModule(name);
            blockOf[block] = name;
            foreach (var (_, m) in block.named_modules())
            {
                blockOf[m] = name;
                if (m is LshAttention2d a)
                {
                    attentions.Add((a, name));
                    foreach (var (_, inner) in a.named_modules()) attentionOf[inner] = a;
                }
            }
        }

        var macs = names.ToDictionary(n => n, _ => 0L);
        var attentionMacs = names.ToDictionary(n => n, _ => 0L);
        var layerMacsInside = new Dictionary<LshAttention2d, long>(ReferenceEqualityComparer.Instance);
        var projectionEstimate = new Dictionary<LshAttention2d, long>(ReferenceEqualityComparer.Instance);
        var outputs = new Dictionary<string, long[]>();
        var removers = new List<Action>();
        try
        {
            foreach (var (module, blockName) in blockOf)
            {
                if (module is not nn.Module<Tensor, Tensor> layer) continue;
                string owner = blockName;
                if (module is LshAttention2d attention)
                {
                    var attentionHook = layer.register_forward_hook((_, input, output) =>
                    {
                        long batch = input.shape[0], channels = input.shape[1], positions = input.shape[2] * input.shape[3];
                        long cost = batch * LshAttentionMacs(positions, channels, attention.Options);
                        macs[owner] += cost;
                        attentionMacs[owner] += cost;
                        // Query/key, value and output projections, if the layer does not expose them as layers we count.
                        projectionEstimate[attention] = batch * 3 * positions * channels * channels;
                        return output;
                    });
                    removers.Add(() => attentionHook.remove());
                    continue;
                }
                if (module is not (Convolution or Linear)) continue;
                var layerHook = layer.register_forward_hook((m, input, output) =>
                {
                    long cost = LayerMacs(m, input, output);
                    macs[owner] += cost;
                    if (attentionOf.TryGetValue(m, out var inside))
                    {
                        attentionMacs[owner] += cost;
                        layerMacsInside[inside] = layerMacsInside.GetValueOrDefault(inside) + cost;
                    }
                    return output;
                });
                removers.Add(() => layerHook.remove());
            }

            bool wasTraining = network.training;
            network.eval();
            try
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var first = network.parameters().FirstOrDefault();
                var zeros = torch.zeros([1, network.Options.InChannels, height, width],
                    dtype: first?.dtype ?? float32, device: first?.device);
                network.Forward(zeros, (name, x) => outputs[name] = x.shape);
            }
            finally
            {
                network.train(wasTraining);
            }
        }
        finally
        {
            foreach (var remove in removers) remove();
        }

        foreach (var (layer, block) in attentions)
        {
            if (layerMacsInside.GetValueOrDefault(layer) > 0 || !projectionEstimate.TryGetValue(layer, out long extra)) continue;
            macs[block] += extra;
            attentionMacs[block] += extra;
        }

        var rows = names.Select(n => new BlockSummary(
            n,
            outputs.TryGetValue(n, out var shape) ? shape : [],
            network.BlockModule(n).parameters().Sum(p => p.numel()),
            macs[n],
            attentionMacs[n])).ToList();
        return new ModelSummary(network.Options, height, width,
            height + network.PaddingFor(height), width + network.PaddingFor(width), rows);
    }

    /// <summary>
    /// Estimated MACs of one LSH attention layer (Kitaev et al. 2020) over <paramref name="positions"/> positions of
    /// <paramref name="channels"/> features, summed over heads (heads x head width = channels) and hash rounds:
    /// hashing multiplies each vector by a random rotation to buckets/2 directions (positions x channels x
    /// buckets / 2); after sorting, each position scores and mixes the keys of its own and the previous chunk
    /// (2 x positions x min(2 x chunk, positions) x channels). Buckets default to about positions / chunk (even, at
    /// least 2). Sorting and softmax are not counted.
    /// </summary>
    public static long LshAttentionMacs(long positions, long channels, LshAttentionOptions options)
    {
        long chunk = Math.Min(options.ChunkSize, positions);
        long keys = Math.Min(2 * chunk, positions);
        long buckets = options.Buckets > 0 ? options.Buckets : Math.Max(2, (positions / chunk + 1) / 2 * 2);
        return options.Rounds * (positions * channels * (buckets / 2) + 2 * positions * keys * channels);
    }

    /// <summary>MACs of one convolution, transposed convolution or linear layer from its weights and the tensors it saw.</summary>
    public static long LayerMacs(nn.Module layer, Tensor input, Tensor output) => layer switch
    {
        // Weight [in, out/groups, kh, kw]: every input element is spread over out/groups x kh x kw outputs.
        Convolution { transposed: true } t => input.numel() * t.weight!.shape[1] * t.weight.shape[2] * t.weight.shape[3],
        // Weight [out, in/groups, kh, kw]: every output element gathers in/groups x kh x kw inputs.
        Convolution c => output.numel() * c.weight!.shape[1] * c.weight.shape[2] * c.weight.shape[3],
        Linear l => output.numel() * l.in_features,
        _ => 0,
    };
}
