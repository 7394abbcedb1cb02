using System.Globalization;
using CovidSeg.Inference;
using CovidSeg.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Training;

/// <summary>
/// Checks, layer by layer, that libtorch's bf16 BACKWARD kernels compute what its fp32 kernels do, before bf16
/// training trusts them (<see cref="Inference.Bf16KernelCheck"/> checks the forward kernels). Why: on an AVX-512 BF16
/// CPU, oneDNN's bf16 backward passes of libtorch 2.10 read memory they never wrote for some layer shapes; under
/// libtorch's junk fill every such read is NaN, and in training a rare stale NaN stopped runs on a non-finite gradient
/// after 2 or 22 epochs (docs/benchmarks.md, "Mixed-precision training"). Each convolution, transposed convolution
/// and linear layer gets a seeded input (<see cref="Bf16KernelCheck.TestInput"/>) and output gradient, rounded to bf16, in both networks; its input and weight
/// gradients are computed with the junk fill on (<see cref="AllocatorJunkFill"/>), so a kernel that reads unwritten
/// memory fails every time instead of at random.
/// </summary>
public static class Bf16BackwardKernelCheck
{
    /// <summary>As for the forward check (<see cref="Bf16KernelCheck.RelativeTolerance"/>): bf16 rounding is 0.4%, the faults are NaN or far off.</summary>
    public const double RelativeTolerance = Bf16KernelCheck.RelativeTolerance;

    /// <summary>
    /// Every layer of <paramref name="bf16"/> (the same network as <paramref name="fp32"/>, converted) whose input or
    /// weight gradient differs from the fp32 layer's: its name and a description. The input gradient of a layer reading
    /// the <paramref name="imageChannels"/>-channel image is not checked: training never computes it.
    /// </summary>
    public static IEnumerable<(string Name, string Description)> WrongLayers(nn.Module fp32, nn.Module bf16, int imageChannels = 1)
    {
        var converted = bf16.named_modules().ToDictionary(m => m.name, m => m.module);
        foreach (var (name, layer) in fp32.named_modules())
        {
            if (Describe(name, layer, converted[name], imageChannels) is { } wrong) yield return (name, wrong);
        }
    }

    private static string? Describe(string name, nn.Module layer, nn.Module converted, int imageChannels)
    {
        using var scope = NewDisposeScope();
        // The forward check's input, so both checks cover the same layers at the same shapes.
        if (Bf16KernelCheck.TestInput(layer) is not { } fp32Input) return null;
        // A layer already kept in fp32 (its forward kernels are wrong in bf16) computes its gradients in fp32 too.
        if (converted.parameters().First().dtype != ScalarType.BFloat16) return null;
        using var enableGrad = enable_grad();
        var input = fp32Input.to(ScalarType.BFloat16);
        bool checkInput = input.shape[1] != imageChannels; // channels of a convolution's input, features of a linear layer's
        var expected = Gradients((nn.Module<Tensor, Tensor>)layer, input.to(ScalarType.Float32), new Generator(2), checkInput);
        var actual = AllocatorJunkFill.While(() => Gradients((nn.Module<Tensor, Tensor>)converted, input, new Generator(2), checkInput));
        string[] what = checkInput ? ["input", "weight"] : ["weight"];
        for (int i = 0; i < what.Length; i++)
        {
            var reference = expected[i];
            var candidate = actual[i].to(ScalarType.Float32);
            double largest = reference.abs().max().item<float>();
            double error = (candidate - reference).abs().max().item<float>();
            if (!(error <= RelativeTolerance * largest))
                return string.Create(CultureInfo.InvariantCulture,
                    $"{name} ({layer.GetType().Name}, weight {string.Join("x", layer.named_parameters().First().parameter.shape)}): its bf16 {what[i]} gradient is off by {(double.IsFinite(error) ? (error / largest).ToString("P0", CultureInfo.InvariantCulture) : "NaN")} of the largest");
        }
        return null;
    }

    /// <summary>The layer's input gradient (when asked) and weight gradient for a seeded output gradient rounded to bf16.</summary>
    private static Tensor[] Gradients(nn.Module<Tensor, Tensor> layer, Tensor input, Generator generator, bool inputGradient)
    {
        var x = input.detach().requires_grad_(inputGradient);
        var output = layer.call(x);
        var outputGradient = randn(output.shape, generator: generator).to(ScalarType.BFloat16).to(output.dtype);
        var weight = ((nn.Module)layer).parameters().First();
        var wanted = inputGradient ? new[] { x, weight } : new[] { (Tensor)weight };
        var grads = autograd.grad([output], wanted, [outputGradient], retain_graph: false, allow_unused: true);
        return grads.Select(g => g.to(ScalarType.Float32)).ToArray();
    }
}
