using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Models;

/// <summary>
/// A tiny seeded segmentation task: on Gaussian noise, a bright disc (class 1) and a dark square (class 2) at random
/// places and sizes; everything else is background (class 0).
/// </summary>
internal sealed class SyntheticShapes(int size, long seed)
{
    private readonly Random random = new((int)seed);
    private readonly Generator noise = new((ulong)seed);

    /// <summary>Images N x 1 x size x size and labels N x size x size (int64).</summary>
    public (Tensor Images, Tensor Labels) Batch(int count)
    {
        using var scope = NewDisposeScope();
        var ys = arange(size, dtype: float32).view(size, 1);
        var xs = arange(size, dtype: float32).view(1, size);
        var labels = new List<Tensor>();
        for (int i = 0; i < count; i++)
        {
            var label = zeros([size, size], dtype: int64);
            float r = random.Next(size / 10, size / 5);
            float cy = random.Next((int)r, size - (int)r), cx = random.Next((int)r, size - (int)r);
            label = label.masked_fill((ys - cy).square() + (xs - cx).square() <= r * r, 1);
            int half = random.Next(size / 12, size / 6);
            int sy = random.Next(half, size - half), sx = random.Next(half, size - half);
            label = label.masked_fill((ys - sy).abs() <= half & (xs - sx).abs() <= half, 2);
            labels.Add(label);
        }
        var stacked = stack(labels);
        // Class means +1 (disc) and -1 (square) under noise of standard deviation 0.6.
        var mean = stacked.eq(1).to(float32) - stacked.eq(2).to(float32);
        var images = (mean + 0.6f * randn([count, size, size], generator: noise)).unsqueeze(1);
        return (images.MoveToOuterDisposeScope(), stacked.MoveToOuterDisposeScope());
    }

    /// <summary>Mean Dice over the foreground classes 1 and 2 of an argmax prediction.</summary>
    public static double ForegroundDice(Tensor predicted, Tensor labels)
    {
        using var scope = NewDisposeScope();
        double sum = 0;
        for (int c = 1; c <= 2; c++)
        {
            var p = predicted.eq(c);
            var g = labels.eq(c);
            double overlap = (p & g).sum().item<long>();
            double total = p.sum().item<long>() + g.sum().item<long>();
            sum += total == 0 ? 1 : 2 * overlap / total;
        }
        return sum / 2;
    }
}
