using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Inference;

/// <summary>
/// Keeps chosen layers of a bf16 network in fp32: their weights are copied back from the fp32 network (exactly, not
/// widened from bf16), their input is cast up and their output cast back down to bf16 by forward hooks. Used for the
/// few layers whose bf16 kernels <see cref="Bf16KernelCheck"/> finds wrong (a 1x1 convolution from the single CT
/// channel to 8 channels in the ResNeXt networks), so the rest of the network keeps bf16's speed.
/// </summary>
public static class Fp32Islands
{
    public static void Keep(nn.Module fp32, nn.Module bf16, IReadOnlyCollection<string> layerNames)
    {
        if (layerNames.Count == 0) return;
        var source = fp32.named_modules().ToDictionary(m => m.name, m => m.module);
        using var noGrad = no_grad();
        foreach (var (name, module) in bf16.named_modules().Where(m => layerNames.Contains(m.name)).ToList())
        {
            module.to(ScalarType.Float32);
            var weights = source[name].named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (parameter, value) in module.named_parameters()) value.copy_(weights[parameter]);
            var layer = (nn.Module<Tensor, Tensor>)module;
            layer.register_forward_pre_hook((_, input) => input.to(ScalarType.Float32));
            layer.register_forward_hook((_, _, output) => output.to(ScalarType.BFloat16));
        }
    }
}
