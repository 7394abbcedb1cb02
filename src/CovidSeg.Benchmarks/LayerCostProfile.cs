using CovidSeg.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CovidSeg.Benchmarks;

/// <summary>The layers of one kind in a network (e.g. every 3 x 3 convolution): their summed isolated time and FLOPs.</summary>
public sealed record LayerKindCost(string Kind, int Layers, double Seconds, double Flops)
{
    public double Gflops => Seconds > 0 ? Flops / Seconds / 1e9 : 0;
}

/// <summary>
/// Where a network's time goes: every layer timed on its own, on an input of the shape it sees inside the network,
/// grouped by kind. <see cref="WholeSeconds"/> is the whole network's time measured the same way; the part no layer
/// accounts for is ReLU, pooling, concatenation, padding, the loss, Adam and autograd's bookkeeping.
/// </summary>
public sealed record LayerCostProfile(string Arch, int Size, int Batch, bool Training, double WholeSeconds, IReadOnlyList<LayerKindCost> Kinds)
{
    public double UnaccountedSeconds => WholeSeconds - Kinds.Sum(k => k.Seconds);
}

/// <summary>
/// Builds a <see cref="LayerCostProfile"/>: a forward hook records each leaf layer's input shape (an attention block
/// counts as one layer), then each layer runs alone, forward + backward when profiling
/// training (from a dense random output gradient), forward under <c>no_grad</c> in evaluation mode otherwise. FLOPs are 2 per MAC
/// (<see cref="ModelSummary.LayerMacs"/>), x 3 for forward + backward. The isolated times ignore cache effects between
/// layers, so their sum is an estimate of the layers' share, not an exact split.
/// </summary>
public static class LayerCostProfiler
{
    public static LayerCostProfile Measure(ModelOptions options, int size, int batch, bool training, int runs, long seed = 1)
    {
        using var network = ModelFactory.Create(options, seed);
        network.train(training);
        var seen = new List<(nn.Module<Tensor, Tensor> Layer, long[] Shape, double Flops)>();
        var removers = new List<Action>();
        foreach (var layer in Leaves(network))
        {
            var hook = layer.register_forward_hook((m, input, output) =>
            {
                double macs = m is SharedQkSelfAttention2d a ? a.AttendMacs(input.shape[0], input.shape[2] * input.shape[3]) + ProjectionMacs(a, input)
                    : ModelSummary.LayerMacs(m, input, output);
                seen.Add(((nn.Module<Tensor, Tensor>)m, input.shape, 2 * macs * (training ? 3 : 1)));
                return output;
            });
            removers.Add(() => hook.remove());
        }
        var generator = new Generator((ulong)seed);
        using (var noGrad = no_grad())
        using (NewDisposeScope())
            network.call(randn([1, options.InChannels, size, size], generator: generator));
        foreach (var remove in removers) remove();

        double whole = training
            ? TrainingStepTimer.Measure(network, batch, size, runs, seed).Median
            : InferenceTime(network, [batch, options.InChannels, size, size], runs, generator);
        var kinds = new Dictionary<string, (int Layers, double Seconds, double Flops)>();
        foreach (var (layer, shape, flops) in seen)
        {
            long[] batched = [batch, .. shape[1..]];
            double seconds = training ? TrainingTime(layer, batched, runs, generator) : InferenceTime(layer, batched, runs, generator);
            string kind = KindOf(layer);
            var k = kinds.GetValueOrDefault(kind);
            kinds[kind] = (k.Layers + 1, k.Seconds + seconds, k.Flops + flops * batch);
        }
        return new LayerCostProfile(options.Arch, size, batch, training, whole,
            kinds.Select(k => new LayerKindCost(k.Key, k.Value.Layers, k.Value.Seconds, k.Value.Flops)).OrderByDescending(k => k.Seconds).ToList());
    }

    /// <summary>A readable kind: "3x3 conv 16→32" style groups are too fine; kernel, grouping and type are what matter.</summary>
    public static string KindOf(nn.Module layer) => layer switch
    {
        SharedQkSelfAttention2d => "LSH attention block",
        ConvTranspose2d => "2x2 transposed conv",
        Convolution c when c.groups > 1 => $"{c.weight!.shape[2]}x{c.weight.shape[3]} grouped conv",
        Convolution c when c.weight!.shape[1] == 1 && c.weight.shape[2] > 1 => $"{c.weight.shape[2]}x{c.weight.shape[3]} conv on 1 channel (first layer)",
        Convolution c => $"{c.weight!.shape[2]}x{c.weight.shape[3]} conv",
        BatchNorm2d => "batch norm",
        _ => layer.GetType().Name,
    };

    private static IEnumerable<nn.Module<Tensor, Tensor>> Leaves(nn.Module module)
    {
        foreach (var child in module.children())
        {
            if (child is SharedQkSelfAttention2d attention) yield return attention;
            else if (!child.children().Any() && child is nn.Module<Tensor, Tensor> leaf) yield return leaf;
            else foreach (var inner in Leaves(child)) yield return inner;
        }
    }

    private static double ProjectionMacs(SharedQkSelfAttention2d a, Tensor input) =>
        a.modules().OfType<Linear>().Sum(l => (double)input.shape[0] * input.shape[2] * input.shape[3] * l.in_features * l.out_features);

    private static double TrainingTime(nn.Module<Tensor, Tensor> layer, long[] shape, int runs, Generator generator)
    {
        using var input = randn(shape, generator: generator).requires_grad_(true);
        // A dense random gradient, as the layers above pass down: backward from sum() would hand the layer an
        // expanded tensor of zero strides, which some convolution backward kernels handle several times slower.
        Tensor gradient;
        using (no_grad())
        using (NewDisposeScope())
            gradient = randn(layer.call(input).shape, generator: generator).DetachFromDisposeScope();
        using (gradient)
            return TimingStatistics.Measure(() =>
            {
                using var scope = NewDisposeScope();
                layer.call(input).backward([gradient]);
                input.grad?.zero_();
            }, warmups: 1, runs: runs).Median;
    }

    private static double InferenceTime(nn.Module<Tensor, Tensor> layer, long[] shape, int runs, Generator generator)
    {
        using var input = randn(shape, generator: generator);
        return InferenceBenchmark.TimeForward(layer, input, runs).Median;
    }
}
