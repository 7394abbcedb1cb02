using CovidSeg.Models;
using CovidSeg.Runtime;
using CovidSeg.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Benchmarks;

/// <summary>
/// Wall-clock seconds of training steps (forward, cross-entropy, backward, Adam update) of a network on seeded random
/// images and labels, each step in its own dispose scope as in <see cref="Training.Trainer"/>. The data does not change
/// the cost: every operation in these networks does the same work whatever the values. In bf16 the step is the
/// trainer's mixed-precision step: passes on a <see cref="Bf16WorkingCopy"/>, gradients widened into the fp32 master,
/// Adam on the master, its weights rounded back into the copy.
/// </summary>
public static class TrainingStepTimer
{
    /// <summary>Runs one untimed warm-up step, then <paramref name="steps"/> timed ones; the network's mode is restored after.</summary>
    public static TimingStatistics Measure(SegmentationNetwork network, int batch, int size, int steps, long seed, bool bf16 = false)
    {
        if (batch < 1 || size < 1 || steps < 1)
            throw new CovidSegException($"timing needs a positive batch, size and step count; got {batch}, {size}, {steps}");
        var generator = new Generator((ulong)seed);
        using var optimizer = optim.Adam(network.parameters(), lr: 1e-3);
        bool wasTraining = network.training;
        network.train();
        using var copy = bf16 ? Bf16WorkingCopy.Create(network) : null;
        // As the trainer does: the backward kernels are chosen once, from an fp32 pass of the master network.
        BackwardKernelChoice? backwardKernels = null;
        try
        {
            return TimingStatistics.Measure(() =>
            {
                using var pause = CollectionPause.Enter();
                using var scope = NewDisposeScope();
                var images = randn([batch, network.Options.InChannels, size, size], generator: generator);
                var labels = randint(0, network.Options.Classes, [batch, size, size], generator: generator, dtype: int64);
                optimizer.zero_grad();
                Tensor? fp32Loss = null;
                if (backwardKernels is null)
                {
                    fp32Loss = nn.functional.cross_entropy(network.call(images), labels);
                    backwardKernels = BackwardKernelChoice.Check(fp32Loss, network);
                }
                if (fp32Loss is not null && copy is null) TrainingPass.Backward(fp32Loss, backwardKernels);
                else TrainingPass.ForwardBackward(network, copy, logits => nn.functional.cross_entropy(logits, labels), images, backwardKernels);
                optimizer.step();
                copy?.Synchronise();
            }, warmups: 1, runs: steps);
        }
        finally
        {
            network.train(wasTraining);
        }
    }
}
