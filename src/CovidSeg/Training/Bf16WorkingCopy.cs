using System.Globalization;
using CovidSeg.Inference;
using CovidSeg.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CovidSeg.Training;

/// <summary>
/// Mixed-precision training without autocast (TorchSharp has none): a bf16 copy of the fp32 master network runs the
/// forward and backward passes; its gradients are widened into the master's, Adam steps the fp32 master weights, and
/// the new weights are rounded back into the copy. Checkpoints, validation and predict see only the fp32 master.
/// <para>
/// Kept in fp32 inside the copy: normalisation layers (batch norm statistics summed in bf16 gave gradients unrelated to
/// fp32's, cosine 0.01; libtorch's norms take bf16 input with fp32 weights and statistics), and the layers whose bf16
/// forward kernels <see cref="Bf16KernelCheck"/> or backward kernels <see cref="Bf16BackwardKernelCheck"/> finds wrong
/// on this CPU (<see cref="Fp32Islands"/>). Batch-norm
/// statistics live in the copy while it trains and are copied to the master after every step.
/// </para>
/// </summary>
public sealed class Bf16WorkingCopy : IDisposable
{
    /// <summary>
    /// The first step's bf16 gradient may differ from fp32's (as one vector, by the length of the difference over the
    /// length of fp32's) by <see cref="GradientAllowance"/> plus <see cref="GradientFloorFactor"/> times the difference
    /// that merely rounding the weights and the input to bf16 makes to the fp32 gradient (the floor): how sensitive the
    /// gradient is depends on the network and the batch (deep layers of a fresh U-Net on random 256² input moved 20-50%
    /// per tensor from that rounding alone). Measured: phantom 64² batches 2.6-3.2% (Bf16TrainingTests); the first step
    /// of the real slices 1.1% (unet) and 1.6% (res-attention-unet) against a floor of 1.1% (docs/benchmarks.md); 28% and
    /// 15% before the output layer's faulty bf16 backward kernel was kept fp32 (<see cref="Bf16BackwardKernelCheck"/>).
    /// A wrong kernel gives gradients unrelated to fp32's, off by about 100% or more.
    /// </summary>
    public const double GradientAllowance = 0.1;

    /// <inheritdoc cref="GradientAllowance"/>
    public const double GradientFloorFactor = 1.5;

    /// <summary>The largest bf16 gradient difference accepted when rounding alone makes <paramref name="floor"/>.</summary>
    public static double GradientTolerance(double floor) => GradientAllowance + GradientFloorFactor * floor;

    private readonly SegmentationNetwork master;
    private readonly SegmentationNetwork copy;
    private readonly List<(Parameter Master, Parameter Copy)> parameters;
    private readonly List<(Tensor Master, Tensor Copy)> buffers;

    private Bf16WorkingCopy(SegmentationNetwork master, SegmentationNetwork copy, IReadOnlyList<string> fp32Layers)
    {
        this.master = master;
        this.copy = copy;
        Fp32Layers = fp32Layers;
        var copyParameters = copy.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        this.parameters = master.named_parameters().Select(p => (p.parameter, copyParameters[p.name])).ToList();
        var copyBuffers = copy.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        this.buffers = master.named_buffers().Select(b => (b.buffer, copyBuffers[b.name])).ToList();
    }

    /// <summary>The layers kept in fp32 because their bf16 kernels are wrong here (normalisation layers not counted).</summary>
    public IReadOnlyList<string> Fp32Layers { get; }

    /// <summary>The bf16 network (for the backward-kernel choice and tests); its weights follow the master's.</summary>
    public SegmentationNetwork Network => this.copy;

    /// <summary>A bf16 copy of <paramref name="master"/> (same options, same weights rounded), in training mode.</summary>
    public static Bf16WorkingCopy Create(SegmentationNetwork master)
    {
        // Building a network draws its initial weights from the global generator; a resumed run has just restored that
        // generator's state, and the copy must not move it (its weights are overwritten anyway).
        using var rng = torch.random.get_rng_state();
        var copy = ModelFactory.Create(master.Options);
        torch.random.set_rng_state(rng);
        try
        {
            using (no_grad())
            {
                var masterParameters = master.named_parameters().ToDictionary(p => p.name, p => p.parameter);
                foreach (var (name, p) in copy.named_parameters()) p.copy_(masterParameters[name]);
                var masterBuffers = master.named_buffers().ToDictionary(b => b.name, b => b.buffer);
                foreach (var (name, b) in copy.named_buffers()) b.copy_(masterBuffers[name]);
            }
            copy.to(ScalarType.BFloat16);
            foreach (var (_, module) in copy.named_modules())
                if (module is BatchNorm2d or GroupNorm or LayerNorm or InstanceNorm2d) module.to(ScalarType.Float32);
            var wrong = Bf16KernelCheck.WrongLayers(master, copy).Select(w => w.Name).ToList();
            Fp32Islands.Keep(master, copy, wrong);
            // Then the layers whose bf16 backward kernels are wrong here (checked with the forward islands in place).
            var wrongBackward = Bf16BackwardKernelCheck.WrongLayers(master, copy).Select(w => w.Name).ToList();
            Fp32Islands.Keep(master, copy, wrongBackward);
            wrong.AddRange(wrongBackward);
            copy.train();
            return new Bf16WorkingCopy(master, copy, wrong);
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    /// <summary>fp32 logits of the copy for fp32 <paramref name="images"/>: the loss and its softmax stay fp32.</summary>
    public Tensor Forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return this.copy.forward(images.to(ScalarType.BFloat16)).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Clears the copy's gradients before a backward pass (the optimiser clears only the master's).</summary>
    public void ZeroGradients() => this.copy.zero_grad();

    /// <summary>Widens the copy's gradients into the master's .grad, where Adam and the finiteness check read them.</summary>
    public void GradientsToMaster()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (m, c) in this.parameters)
        {
            var g = c.grad;
            if (g is null) continue;
            if (m.grad is { } existing) existing.copy_(g);
            else m.grad = g.to(ScalarType.Float32); // the parameter keeps its own reference; the scope frees this handle
        }
    }

    /// <summary>After the optimiser's step: the master's new weights rounded into the copy, the copy's batch-norm
    /// statistics (updated by its forward pass) into the master.</summary>
    public void Synchronise()
    {
        using var noGrad = no_grad();
        foreach (var (m, c) in this.parameters) c.copy_(m);
        foreach (var (m, c) in this.buffers) m.copy_(c);
    }

    /// <summary>
    /// How far the copy's gradients (from a backward pass just run) are from <paramref name="fp32Gradients"/>, the
    /// master's for the same batch and weights (<see cref="Difference"/>).
    /// </summary>
    public double GradientError(IReadOnlyList<Tensor?> fp32Gradients)
    {
        using var scope = NewDisposeScope();
        return Difference(fp32Gradients, this.parameters.Select(p => p.Copy.grad?.to(ScalarType.Float32)).ToList());
    }

    /// <summary>
    /// The length of the difference of two whole gradient vectors over the length of <paramref name="reference"/>.
    /// Per tensor the comparison means little: the weights of a convolution followed by batch norm have a gradient that
    /// is nearly zero, so rounding noise dominates it.
    /// </summary>
    public static double Difference(IReadOnlyList<Tensor?> reference, IReadOnlyList<Tensor?> candidate)
    {
        using var scope = NewDisposeScope();
        double difference = 0, length = 0;
        for (int i = 0; i < reference.Count; i++)
        {
            var (e, a) = (reference[i], candidate[i]);
            if (e is null && a is null) continue;
            var expected = e ?? zeros_like(a!);
            var actual = a ?? zeros_like(expected);
            difference += (actual - expected).square().sum().item<float>();
            length += expected.square().sum().item<float>();
        }
        return length > 0 ? Math.Sqrt(difference / length) : double.NaN;
    }

    /// <summary>
    /// Rounds the master's weights to bf16 values (kept in fp32) until the result is disposed, which puts the exact
    /// weights back: the fp32 gradient there measures how much bf16 rounding alone moves the gradient.
    /// </summary>
    public IDisposable RoundedMaster() => new RoundedWeights(this.parameters.Select(p => (Tensor)p.Master).ToList());

    private sealed class RoundedWeights : IDisposable
    {
        private readonly List<(Tensor Weight, Tensor Exact)> saved;

        public RoundedWeights(List<Tensor> weights)
        {
            using var noGrad = no_grad();
            this.saved = weights.Select(w => (w, w.detach().clone().DetachFromDisposeScope())).ToList();
            using var scope = NewDisposeScope();
            foreach (var w in weights) w.copy_(w.to(ScalarType.BFloat16));
        }

        public void Dispose()
        {
            using var noGrad = no_grad();
            foreach (var (weight, exact) in this.saved)
            {
                weight.copy_(exact);
                exact.Dispose();
            }
        }
    }

    /// <summary>Copies of the master's gradients, in parameter order, to compare with <see cref="GradientError"/>; owned by the caller's dispose scope.</summary>
    public IReadOnlyList<Tensor?> MasterGradients() =>
        this.parameters.Select(p => p.Master.grad is { } g ? g.detach().clone() : null).ToList();

    /// <summary>
    /// Puts both networks' buffers (batch-norm statistics) and the global generator back as they are now when the
    /// result is disposed: trial passes (timing, checks) must not count as training.
    /// </summary>
    public TrialState Trial() => new(this.buffers);

    /// <summary>See <see cref="Trial"/>.</summary>
    public sealed class TrialState : IDisposable
    {
        private readonly List<(Tensor Target, Tensor Saved)> saved;
        private readonly Tensor rng = torch.random.get_rng_state().DetachFromDisposeScope();

        /// <summary>Puts the global generator back as it was, so the next pass draws what the first one did.</summary>
        public void Rewind() => torch.random.set_rng_state(this.rng);

        internal TrialState(List<(Tensor Master, Tensor Copy)> buffers)
        {
            using var noGrad = no_grad();
            this.saved = buffers.SelectMany(b => new[] { b.Master, b.Copy }).Select(t => (t, t.detach().clone().DetachFromDisposeScope())).ToList();
        }

        public void Dispose()
        {
            using (no_grad())
                foreach (var (target, value) in this.saved)
                {
                    target.copy_(value);
                    value.Dispose();
                }
            torch.random.set_rng_state(this.rng);
            this.rng.Dispose();
        }
    }

    /// <summary>"1 layer kept fp32 (its bf16 kernels are wrong here): NAME" or an empty string.</summary>
    public string DescribeFp32Layers() => Fp32Layers.Count == 0 ? ""
        : string.Create(CultureInfo.InvariantCulture, $"; {Fp32Layers.Count} layer(s) kept fp32 (their bf16 kernels are wrong here): {string.Join(", ", Fp32Layers)}");

    public void Dispose() => this.copy.Dispose();
}
