using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Runtime;

/// <summary>
/// The smallest reproduction of the fault that made training diverge on AVX-512 CPUs (<see cref="OneDnnIsaCap"/>):
/// one Conv2d(8, 8, 3, padding 1) on a 1 x 8 x 128 x 128 input, backward with a random output gradient, many times.
/// Sound kernels give a finite input gradient every time; oneDNN's uncapped AVX-512 kernels did not in 2 to 4% of
/// passes. `covidseg info --check-backward N` runs it so anyone can check a machine.
/// </summary>
public static class ConvolutionBackwardCheck
{
    /// <summary>How many of <paramref name="passes"/> backward passes gave a non-finite input or weight gradient.</summary>
    public static int CountNonFinitePasses(int passes, long seed = 1)
    {
        if (passes < 1) throw new CovidSegException($"the convolution check needs at least one pass, not {passes}");
        using var outer = torch.NewDisposeScope();
        torch.manual_seed(seed);
        var conv = nn.Conv2d(8, 8, 3, padding: 1);
        int bad = 0;
        for (int i = 0; i < passes; i++)
        {
            using var scope = torch.NewDisposeScope();
            var input = torch.randn(1, 8, 128, 128).requires_grad_(true);
            var output = conv.forward(input);
            output.backward([torch.randn_like(output)]);
            bool finite = input.grad!.isfinite().all().item<bool>() && conv.weight!.grad!.isfinite().all().item<bool>();
            if (!finite) bad++;
            conv.zero_grad();
        }
        conv.Dispose();
        return bad;
    }
}
