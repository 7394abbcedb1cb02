using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Runtime;

/// <summary>
/// The smallest reproduction of the fault that made training diverge at random: one Conv2d(C, C, 3, padding 1) on a
/// 2 x C x 64 x 64 input, its input and weight gradients from oneDNN checked against libtorch's own kernels
/// (<see cref="BackwardKernelChoice"/>). `covidseg info --check-backward` runs it for 4, 8 and 16 channels.
/// </summary>
public static class ConvolutionBackwardCheck
{
    public static readonly int[] DefaultChannels = [4, 8, 16];

    /// <summary>Whether oneDNN's gradients are right for a 3x3 convolution with each channel count, and if not, where.</summary>
    public static IReadOnlyList<(int Channels, BackwardKernelChoice Verdict)> Run(IEnumerable<int> channelCounts, long seed = 1)
    {
        var results = new List<(int, BackwardKernelChoice)>();
        foreach (int channels in channelCounts)
        {
            using var scope = torch.NewDisposeScope();
            torch.manual_seed(seed);
            using var conv = nn.Conv2d(channels, channels, 3, padding: 1);
            var input = torch.randn(2, channels, 64, 64).requires_grad_(true);
            var output = conv.forward(input);
            var loss = output.mul(torch.randn_like(output)).sum();
            var tensors = conv.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Prepend(("input", input)).ToList();
            // The measured verdict alone, without the shape rule, so this shows what the kernels do on this CPU.
            results.Add((channels, BackwardKernelChoice.Check(loss, tensors, repeats: 3)));
        }
        return results;
    }
}
