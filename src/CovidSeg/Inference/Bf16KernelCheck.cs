using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CovidSeg.Inference;

/// <summary>
/// Checks, layer by layer, that libtorch's bf16 kernels compute what its fp32 kernels do for one network, before
/// inference trusts them. Why: on an AVX-512 BF16 CPU, libtorch 2.10's bf16 3x3 convolutions with 8 output channels
/// (a width-8 U-Net's first and last levels) were off by 25-73% of their output's largest value, so a width-8 model
/// found no lesion in bf16 at all, while widths of 16 and more were within 0.4% (bf16's own rounding).
/// Each convolution, transposed convolution and linear layer gets the same seeded input, rounded to bf16, in both
/// networks; they agree when the largest difference is within <see cref="RelativeTolerance"/> of the largest output.
/// </summary>
public static class Bf16KernelCheck
{
    /// <summary>bf16 keeps 8 mantissa bits (0.4% per rounding); 3% leaves room for accumulated rounding, and the
    /// faults seen were 25% and more.</summary>
    public const double RelativeTolerance = 0.03;
    /// <summary>Spatial side of the test input: oneDNN picked the same faulty kernels at 12, 24 and 48.</summary>
    public const int Side = 24;

    /// <summary>
    /// The seeded fp32 input both precisions of <paramref name="layer"/> are checked on, or null for a layer no check
    /// covers (only convolutions, transposed convolutions and linear layers run kernels of their own).
    /// </summary>
    public static Tensor? TestInput(nn.Module layer) => layer switch
    {
        Conv2d c => randn([1, c.in_channels, Side, Side], generator: new Generator(1)),
        ConvTranspose2d t => randn([1, t.in_channels, Side, Side], generator: new Generator(1)),
        Linear l => randn([Side, l.in_features], generator: new Generator(1)),
        _ => null,
    };

    /// <summary>
    /// The first layer of <paramref name="bf16"/> (the same network as <paramref name="fp32"/>, converted) whose output
    /// differs from the fp32 layer's, described; null when all agree.
    /// </summary>
    public static string? FirstWrongLayer(nn.Module fp32, nn.Module bf16) => WrongLayers(fp32, bf16).Select(w => w.Description).FirstOrDefault();

    /// <summary>Every layer of <paramref name="bf16"/> whose output differs from the fp32 layer's: its name and a description.</summary>
    public static IEnumerable<(string Name, string Description)> WrongLayers(nn.Module fp32, nn.Module bf16)
    {
        using var noGrad = no_grad();
        var converted = bf16.named_modules().ToDictionary(m => m.name, m => m.module);
        foreach (var (name, layer) in fp32.named_modules())
        {
            using var scope = NewDisposeScope();
            if (TestInput(layer) is not { } input) continue;
            var rounded = input.to(ScalarType.BFloat16);
            var expected = ((nn.Module<Tensor, Tensor>)layer).call(rounded.to(ScalarType.Float32));
            var actual = ((nn.Module<Tensor, Tensor>)converted[name]).call(rounded).to(ScalarType.Float32);
            double largest = expected.abs().max().item<float>();
            double error = (actual - expected).abs().max().item<float>();
            if (!(error <= RelativeTolerance * largest))
                yield return (name, string.Create(CultureInfo.InvariantCulture,
                    $"{name} ({layer.GetType().Name}, weight {string.Join("x", ((nn.Module)layer).named_parameters().First().parameter.shape)}) is off by {error / largest:P0} of its largest output"));
        }
    }
}
