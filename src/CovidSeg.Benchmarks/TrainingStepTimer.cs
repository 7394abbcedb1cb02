using CovidSeg.Models;
using CovidSeg.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Benchmarks;

/// <summary>
/// Wall-clock seconds of training steps (forward, cross-entropy, backward, Adam update) of a network on seeded random
/// images and labels, each step in its own dispose scope as in <see cref="Training.Trainer"/>. The data does not change
/// the cost: every operation in these networks does the same work whatever the values.
/// </summary>
public static class TrainingStepTimer
{
    /// <summary>Runs one untimed warm-up step, then <paramref name="steps"/> timed ones; the network's mode is restored after.</summary>
    public static TimingStatistics Measure(SegmentationNetwork network, int batch, int size, int steps, long seed)
    {
        if (batch < 1 || size < 1 || steps < 1)
            throw new CovidSegException($"timing needs a positive batch, size and step count; got {batch}, {size}, {steps}");
        var generator = new Generator((ulong)seed);
        using var optimizer = optim.Adam(network.parameters(), lr: 1e-3);
        bool wasTraining = network.training;
        BackwardKernelChoice? backwardKernels = null; // chosen in the warm-up step, as training chooses in its first
        network.train();
        try
        {
            return TimingStatistics.Measure(() =>
            {
                using var pause = CollectionPause.Enter();
                using var scope = NewDisposeScope();
                var images = randn([batch, network.Options.InChannels, size, size], generator: generator);
                var labels = randint(0, network.Options.Classes, [batch, size, size], generator: generator, dtype: int64);
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(network.call(images), labels);
                backwardKernels ??= BackwardKernelChoice.Check(loss, network);
                backwardKernels.Backward(loss);
                optimizer.step();
            }, warmups: 1, runs: steps);
        }
        finally
        {
            network.train(wasTraining);
        }
    }
}
