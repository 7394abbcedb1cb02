using System.Diagnostics;
using CovidSeg.Models;
using CovidSeg.Runtime;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Models;

/// <summary>Each network learns a tiny synthetic task; slow (about a minute per network on two cores).</summary>
[Trait("Category", "Slow")]
public class LearningTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("unet")]
    [InlineData("resnext-unet")]
    [InlineData("lsh-attention-unet")]
    [InlineData("res-attention-unet")]
    public void LossFallsAndForegroundDiceRisesOnDiscsAndSquares(string arch)
    {
        const int steps = 300;
        var data = new SyntheticShapes(64, seed: 21);
        using var net = ModelFactory.Create(TinyConfigs.Narrow(arch) with { ResNeXt = new ResNeXtOptions(Cardinality: 4) }, seed: 4);
        using var optimizer = optim.Adam(net.parameters(), lr: 1e-3);

        var (testImages, testLabels) = new SyntheticShapes(64, seed: 99).Batch(8);
        double diceBefore = Evaluate(net, testImages, testLabels);
        var losses = new List<float>();
        var clock = Stopwatch.StartNew();
        net.train();
        BackwardKernelChoice? kernels = null; // chosen on the first step, as the trainer does (width 8: see BackwardKernelChoice)
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var (images, labels) = data.Batch(4);
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(net.call(images), labels);
            kernels ??= BackwardKernelChoice.Check(loss, net);
            kernels.Backward(loss);
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        double diceAfter = Evaluate(net, testImages, testLabels);
        float first = losses.Take(10).Average(), last = losses.TakeLast(10).Average();
        output.WriteLine($"{arch}: loss {first:F3} -> {last:F3}, foreground Dice {diceBefore:F3} -> {diceAfter:F3}, {clock.Elapsed.TotalSeconds / steps:F3} s/step");

        Assert.True(last < 0.5 * first, $"loss should at least halve: {first} -> {last}");
        // Chance (a uniform random label) scores about 0.1 here: the shapes cover ~10% of the image each.
        Assert.True(diceAfter > 0.7, $"foreground Dice {diceAfter} after {steps} steps");
        Assert.True(diceAfter > diceBefore + 0.3);
    }

    private static double Evaluate(SegmentationNetwork net, Tensor images, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        net.eval();
        double dice = SyntheticShapes.ForegroundDice(net.call(images).argmax(1), labels);
        net.train();
        return dice;
    }
}
