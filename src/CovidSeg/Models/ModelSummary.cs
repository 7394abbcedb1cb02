using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CovidSeg.Models;

/// <summary>
/// Per-block parameters, output shapes and forward cost of a network for one input size, measured by running a
/// forward pass on a zero image (batch 1, evaluation mode, no gradients) with forward hooks on every convolution,
/// transposed convolution, linear layer and self-attention layer.
/// Cost counts multiply-accumulates (MACs) from layer shapes: a convolution costs output elements x
/// in_channels / groups x k x k; a transposed convolution input elements x out_channels / groups x k x k; a linear
/// layer output elements x in_features. Normalisation (LayerNorm included), ReLU, softmax, pooling, padding,
/// sorting and concatenation are not counted (a few operations per element, small next to the products). An
/// attention layer (<see cref="SharedQkSelfAttention2d"/>, e.g. <see cref="LshAttention2d"/>) costs its linear
/// projections (query/key, value, output: counted by their hooks like any linear layer) plus the matrix products of
/// its attention, <see cref="SharedQkSelfAttention2d.AttendMacs"/>; both go to the block's attention share.
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
    public long TotalAttentionParameters => Blocks.Sum(b => b.AttentionParameters);
    public long TotalFlops => 2 * TotalMacs;

    /// <summary>Summarises <paramref name="network"/> for a height x width input (any size; it is padded as in training).</summary>
    public static ModelSummary Compute(SegmentationNetwork network, long height, long width)
    {
        if (height < 1 || width < 1) throw new CovidSegException($"summary input size must be positive, got {height} x {width}");
        var names = network.BlockNames;
        var blockOf = new Dictionary<nn.Module, string>(ReferenceEqualityComparer.Instance);
        var insideAttention = new HashSet<nn.Module>(ReferenceEqualityComparer.Instance);
        var attentionParameters = names.ToDictionary(n => n, _ => 0L);
        foreach (var name in names)
        {
            var block = network.BlockModule(name);
            blockOf[block] = name;
            foreach (var (_, m) in block.named_modules())
            {
                blockOf[m] = name;
                if (m is SharedQkSelfAttention2d a)
                {
                    attentionParameters[name] += a.parameters().Sum(p => p.numel());
                    foreach (var (_, inner) in a.named_modules()) insideAttention.Add(inner);
                }
            }
        }

        var macs = names.ToDictionary(n => n, _ => 0L);
        var attentionMacs = names.ToDictionary(n => n, _ => 0L);
        var outputs = new Dictionary<string, long[]>();
        var removers = new List<Action>();
        try
        {
            foreach (var (module, blockName) in blockOf)
            {
                if (module is not nn.Module<Tensor, Tensor> layer) continue;
                string owner = blockName;
                if (module is SharedQkSelfAttention2d attention)
                {
                    var attentionHook = layer.register_forward_hook((_, input, output) =>
                    {
                        long cost = attention.AttendMacs(input.shape[0], input.shape[2] * input.shape[3]);
                        macs[owner] += cost;
                        attentionMacs[owner] += cost;
                        return output;
                    });
                    removers.Add(() => attentionHook.remove());
                    continue;
                }
                if (module is not (Convolution or Linear)) continue;
                bool partOfAttention = insideAttention.Contains(module);
                var layerHook = layer.register_forward_hook((m, input, output) =>
                {
                    long cost = LayerMacs(m, input, output);
                    macs[owner] += cost;
                    if (partOfAttention) attentionMacs[owner] += cost;
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

        var rows = names.Select(n => new BlockSummary(
            n,
            outputs.TryGetValue(n, out var shape) ? shape : [],
            network.BlockModule(n).parameters().Sum(p => p.numel()),
            macs[n],
            attentionMacs[n],
            attentionParameters[n])).ToList();
        return new ModelSummary(network.Options, height, width,
            height + network.PaddingFor(height), width + network.PaddingFor(width), rows);
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
