using CovidSeg.Models;
using CovidSeg.Runtime;
using CovidSeg.Training;
using TorchSharp;
using static TorchSharp.torch;
using CovidSeg.Runs;

namespace CovidSeg.Tests.Training;

/// <summary>
/// The same small training, run five times in one process, gives bit-identical losses and weights for each network,
/// and never a non-finite number. With oneDNN's backward kernels forced (COVIDSEG_BACKWARD=onednn) this network
/// width failed at random on AVX-512 CPUs (NaN gradients, losses that differ between runs).
/// </summary>
public sealed class TrainingDeterminismTests
{
    private const int Runs = 5, Steps = 4, Side = 48, Batch = 2;

    [Theory]
    [InlineData(Architectures.UNetName)]
    [InlineData(Architectures.ResNeXtUNetName)]
    [InlineData(Architectures.LshAttentionUNetName)]
    [InlineData(Architectures.ResidualAttentionUNetName)]
    public void FiveRunsWithOneSeedGiveIdenticalLossesAndWeights(string arch)
    {
        var first = Train(arch);
        Assert.All(first.Losses, loss => Assert.True(float.IsFinite(loss), $"{arch}: loss {loss}"));
        Assert.All(first.Weights, w => Assert.True(float.IsFinite(w), $"{arch}: a weight is {w}"));
        for (int run = 2; run <= Runs; run++)
        {
            var again = Train(arch);
            Assert.Equal(first.Losses, again.Losses);
            Assert.True(first.Weights.AsSpan().SequenceEqual(again.Weights), $"{arch}: run {run} ended with other weights than run 1");
        }
    }

    private static (float[] Losses, float[] Weights) Train(string arch)
    {
        using var scope = torch.NewDisposeScope();
        var options = new ModelOptions { Arch = arch, Classes = 3, BaseWidth = 8, Depth = 2, ResNeXt = new ResNeXtOptions(Cardinality: 4), AttentionLevels = [0], Attention = new LshAttentionOptions(ChunkSize: 16, GammaInit: 0.5) };
        using var model = ModelFactory.Create(options, seed: 5);
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
        using var loss = new SegmentationLoss(LossKind.DiceCrossEntropy, null, 3);
        torch.manual_seed(9);
        var images = torch.randn(Steps * Batch, 1, Side, Side);
        // Blobs, not noise, so the labels have something to learn: class by the sign and size of a smoothed image.
        var smooth = nn.functional.avg_pool2d(images, 5, stride: 1, padding: 2);
        var labels = torch.where(smooth > 0.15, 1, torch.where(smooth < -0.15, 2, 0)).squeeze(1).to(ScalarType.Int64);
        model.train();
        var losses = new float[Steps];
        BackwardKernelChoice? kernels = null; // chosen on the first step, as the trainer does
        for (int step = 0; step < Steps; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var x = images.narrow(0, step * Batch, Batch);
            var y = labels.narrow(0, step * Batch, Batch);
            var value = loss.Compute(model.forward(x), y);
            kernels ??= BackwardKernelChoice.Check(value, model);
            kernels.Backward(value);
            optimizer.step();
            losses[step] = value.item<float>();
        }
        var weights = model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        return (losses, weights);
    }
}
