using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Models;

/// <summary>
/// Measures the wall-clock seconds of one training step (forward, cross-entropy, backward, Adam update) of a network
/// on random images and labels: a quick cost check on the machine at hand, not a benchmark suite.
/// </summary>
public static class TrainingStepTimer
{
    /// <summary>Runs one untimed warm-up step, then <paramref name="steps"/> timed ones; returns mean seconds per step.</summary>
    public static double SecondsPerStep(SegmentationNetwork network, int batch, int size, int steps, long seed)
    {
        if (batch < 1 || size < 1 || steps < 1)
            throw new CovidSegException($"timing needs a positive batch, size and step count; got {batch}, {size}, {steps}");
        var generator = new Generator((ulong)seed);
        using var optimizer = optim.Adam(network.parameters(), lr: 1e-3);
        bool wasTraining = network.training;
        network.train();
        try
        {
            var clock = new Stopwatch();
            for (int step = 0; step <= steps; step++)
            {
                using var scope = NewDisposeScope();
                var images = randn([batch, network.Options.InChannels, size, size], generator: generator);
                var labels = randint(0, network.Options.Classes, [batch, size, size], generator: generator, dtype: int64);
                if (step == 1) clock.Start();
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(network.call(images), labels);
                loss.backward();
                optimizer.step();
            }
            clock.Stop();
            return clock.Elapsed.TotalSeconds / steps;
        }
        finally
        {
            network.train(wasTraining);
        }
    }
}
