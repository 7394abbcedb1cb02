using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Runtime;

/// <summary>
/// Which kernels compute a network's backward pass: oneDNN's (fast) or libtorch's own (about 2x slower), decided by
/// the shapes of its convolutions and by checking, once per training session, that oneDNN's gradients for this very
/// network on this very CPU match libtorch's.
/// <para>
/// Why: libtorch 2.10's oneDNN convolution backward-data kernels return wrong input gradients, or NaN read from memory
/// they never wrote, when a 3x3 convolution's channel count is not a whole number of the CPU's vector blocks (8 floats
/// with AVX2, 16 with AVX-512): a width-8 U-Net on AVX-512 and a width-4 one anywhere. Forward passes and weight
/// gradients agree, and so do the default width-16 networks, so those keep oneDNN's speed (docs/architecture.md).
/// The check runs with libtorch's junk fill on (<see cref="AllocatorJunkFill"/>): a read of unwritten memory then
/// shows as NaN every time instead of at random, so the verdict does not depend on the process's luck.
/// </para>
/// </summary>
public sealed record BackwardKernelChoice(bool UseOneDnn, string Reason)
{
    /// <summary>"onednn" or "native" forces a choice without checking: only to measure or reproduce the fault.</summary>
    public const string Variable = "COVIDSEG_BACKWARD";

    /// <summary>Gradients are taken to agree when every tensor's largest difference is within this share of its largest value.</summary>
    public const double RelativeTolerance = 1e-2;

    private static readonly Lock Gate = new();

    /// <summary>Channel counts oneDNN's convolution backward kernels get right: whole AVX-512 blocks (and so AVX2 ones).</summary>
    public const int SafeChannelMultiple = 16;

    /// <summary>
    /// The choice for <paramref name="network"/>: oneDNN only if every ungrouped convolution wider than 1x1 has channel
    /// counts that are multiples of <see cref="SafeChannelMultiple"/> (the input side of a convolution reading the
    /// <paramref name="imageChannels"/>-channel image is exempt unless <paramref name="inputNeedsGradient"/>: an image
    /// needs no gradient, so that side is never computed), and its
    /// gradients for this loss match libtorch's own kernels. The shape rule comes first because the faulty kernels are
    /// not even wrong every time: with two threads, one call was right and the next wrong.
    /// </summary>
    public static BackwardKernelChoice Check(Tensor loss, nn.Module network, bool inputNeedsGradient = false, int imageChannels = 1)
    {
        if (Forced() is { } forced) return forced;
        // TorchSharp's named_modules() lists the descendants; the network itself may be a convolution too. Their order is
        // not the order of the forward pass (the decoder can come first), so the layer reading the image is recognised by
        // its width: no other convolution of CovidSeg's networks has as few input channels as the image.
        foreach (var (name, module) in network.named_modules().Where(m => !ReferenceEquals(m.module, network)).Prepend(("", network)))
        {
            if (module is not TorchSharp.Modules.Convolution conv) continue;
            bool readsImage = conv.in_channels == imageChannels;
            if (conv.kernel_size.Aggregate(1L, (a, b) => a * b) == 1) continue;
            // Grouped convolutions (ResNeXt's) run on other oneDNN kernels, which were right for every shape tried: 1 to 16
            // channels per group, 4 and 8 groups, batches 1 to 4, sides 37 to 128, on AVX2 and AVX-512, under junk fill.
            if (conv.groups > 1) continue;
            string? unsafeSide = conv.out_channels % SafeChannelMultiple != 0 ? $"{conv.out_channels} output channels"
                : (inputNeedsGradient || !readsImage) && conv.in_channels % SafeChannelMultiple != 0 ? $"{conv.in_channels} input channels"
                : null;
            if (unsafeSide is not null)
                return new(false, $"libtorch's own, about 2x slower (convolution {(name.Length > 0 ? name : "the layer")} has {unsafeSide}; oneDNN's backward kernels are wrong unless they are multiples of {SafeChannelMultiple})");
        }
        return Check(loss, network.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).ToList());
    }

    /// <summary>
    /// Computes the gradients of <paramref name="loss"/> both ways, oneDNN's <paramref name="repeats"/> times (the graph
    /// is kept for the caller's own backward pass, and no parameter's .grad is touched), and returns which kernels to use.
    /// </summary>
    public static BackwardKernelChoice Check(Tensor loss, IReadOnlyList<(string Name, Tensor Parameter)> parameters, int repeats = 1)
    {
        if (Forced() is { } forced) return forced;
        if (OneDnnSwitch.Enabled != true) return new(false, "libtorch's own (oneDNN is off or unreachable in this process)");
        var tensors = parameters.Select(p => p.Parameter).ToList();
        string? disagreement = AllocatorJunkFill.While(() =>
        {
            using var scope = torch.NewDisposeScope();
            var reference = WithoutOneDnn(() => torch.autograd.grad([loss], tensors, retain_graph: true, allow_unused: true));
            for (int r = 0; r < repeats; r++)
            {
                var candidate = torch.autograd.grad([loss], tensors, retain_graph: true, allow_unused: true);
                if (Disagreement(reference, candidate, parameters) is { } found) return found;
            }
            return null;
        });
        return disagreement is null
            ? new(true, "oneDNN (its gradients for this network match libtorch's own kernels on this CPU)")
            : new(false, $"libtorch's own, about 2x slower (oneDNN's gradients for this network are wrong on this CPU: {disagreement})");
    }

    /// <summary>The first tensor whose two gradients differ beyond the tolerance, described; null when they agree.</summary>
    private static string? Disagreement(IList<Tensor> reference, IList<Tensor> candidate, IReadOnlyList<(string Name, Tensor Parameter)> parameters)
    {
        var reached = Enumerable.Range(0, reference.Count).Where(i => reference[i] is not null && candidate[i] is not null).ToList();
        // Read in fp32 whatever the gradients' type: a bf16 working copy's gradients are bf16.
        double[] scales = reached.Select(i => (double)reference[i].abs().max().to(ScalarType.Float32).item<float>()).ToArray();
        if (scales.Length == 0 || !scales.All(double.IsFinite)) return null; // no reference to judge by; the trainer's own checks will speak
        // Tensors whose gradients are all tiny (deep layers early in training) are judged against the largest one.
        double floor = RelativeTolerance * 1e-3 * scales.Max();
        for (int k = 0; k < reached.Count; k++)
        {
            int i = reached[k];
            double scale = scales[k];
            double error = (candidate[i].to(ScalarType.Float32) - reference[i].to(ScalarType.Float32)).abs().max().item<float>();
            if (!(error <= RelativeTolerance * scale + floor))
                return $"{parameters[i].Name} (largest difference {error:G3} against values up to {scale:G3})";
        }
        return null;
    }

    private static BackwardKernelChoice? Forced() => Environment.GetEnvironmentVariable(Variable) switch
    {
        "onednn" => new(true, $"oneDNN (forced by {Variable}=onednn; not checked)"),
        "native" => new(false, $"libtorch's own (forced by {Variable}=native)"),
        _ => null,
    };

    /// <summary>loss.backward() on the chosen kernels.</summary>
    public void Backward(Tensor loss)
    {
        if (UseOneDnn) loss.backward();
        else WithoutOneDnn(() => { loss.backward(); return 0; });
    }

    /// <summary>
    /// Runs <paramref name="body"/> with oneDNN switched off. libtorch picks a convolution's kernels when it runs, so
    /// this reaches the backward pass; the switch is process-wide, so such sections are serialised.
    /// </summary>
    private static T WithoutOneDnn<T>(Func<T> body)
    {
        lock (Gate)
        {
            bool wasOn = OneDnnSwitch.Enabled == true;
            if (wasOn) OneDnnSwitch.TrySet(false);
            try
            {
                return body();
            }
            finally
            {
                if (wasOn) OneDnnSwitch.TrySet(true);
            }
        }
    }
}
