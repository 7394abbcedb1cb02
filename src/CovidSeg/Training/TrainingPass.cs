using CovidSeg.Models;
using CovidSeg.Runtime;
using static TorchSharp.torch;

namespace CovidSeg.Training;

/// <summary>
/// The forward and backward pass of a training step once its backward kernels are chosen, in fp32 on the network or,
/// with a <see cref="Bf16WorkingCopy"/>, in bf16 on the copy with the gradients widened into the fp32 master. The
/// trainer and the bench's timed step both run this, so the bench times what training does.
/// </summary>
public static class TrainingPass
{
    /// <summary>
    /// Leaves fp32 gradients in <paramref name="network"/> and returns the loss; when the loss is not finite no backward
    /// pass runs (the caller must then not step).
    /// </summary>
    public static double ForwardBackward(SegmentationNetwork network, Bf16WorkingCopy? bf16, Func<Tensor, Tensor> loss, Tensor images, BackwardKernelChoice kernels)
    {
        if (bf16 is null) return Backward(loss(network.forward(images)), kernels);
        bf16.ZeroGradients();
        double v = Backward(loss(bf16.Forward(images)), kernels);
        if (double.IsFinite(v)) bf16.GradientsToMaster();
        return v;
    }

    /// <summary>The loss's value, after its backward pass on <paramref name="kernels"/> when it is finite.</summary>
    public static double Backward(Tensor loss, BackwardKernelChoice kernels)
    {
        double v = loss.item<float>();
        if (double.IsFinite(v)) kernels.Backward(loss);
        return v;
    }
}
