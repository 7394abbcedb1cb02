using CovidSeg.Models;
using TorchSharp;
using static TorchSharp.torch;
using static CovidSeg.Tests.Models.LshAttentionTestKit;

namespace CovidSeg.Tests.Models;

/// <summary>Gradients, determinism, the identity start, shapes and bad settings of the LSH attention block.</summary>
public class LshAttentionBehaviourTests
{
    [Fact]
    public void GradientsReachTheInputAndEveryParameter()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var block = new LshAttention2d("lsh", 8, new LshAttentionOptions(Heads: 2, Rounds: 2, ChunkSize: 8, Buckets: 4, GammaInit: 0.5));
        var x = torch.randn(2, 8, 9, 7).requires_grad_(true);
        var weights = torch.randn(2, 8, 9, 7);

        block.forward(x).mul(weights).sum().backward();

        Assert.True(x.grad is not null && x.grad.abs().sum().item<float>() > 0);
        var parameters = block.named_parameters().ToList();
        Assert.Equal(7, parameters.Count); // norm weight+bias, query_key, value, output weight+bias, gamma
        foreach (var (name, parameter) in parameters)
        {
            Assert.True(parameter.grad is not null, $"{name} has no gradient");
            Assert.True(parameter.grad.abs().sum().item<float>() > 0, $"{name} has a zero gradient");
        }
    }

    [Fact]
    public void EvaluationIsDeterministicAndFollowsTheSeed()
    {
        using var scope = torch.NewDisposeScope();
        var options = new LshAttentionOptions(Heads: 2, Rounds: 2, ChunkSize: 16, Buckets: 8, Seed: 5, GammaInit: 1.0);
        var (block, _) = Twins(8, options);
        block.eval();
        var x = RandomInput(21, 1, 8, 16, 16);

        var first = block.forward(x);
        torch.manual_seed(99); // the global generator must not matter in evaluation
        var second = block.forward(x);
        Assert.True(Same(first, second));

        var (reseeded, _) = Twins(8, options with { Seed = 6 });
        reseeded.eval();
        Assert.False(Same(first, reseeded.forward(x)));
    }

    [Fact]
    public void TrainingDrawsFreshRotationsEachCall()
    {
        using var scope = torch.NewDisposeScope();
        var (block, _) = Twins(8, new LshAttentionOptions(Heads: 2, Rounds: 2, ChunkSize: 16, Buckets: 8, GammaInit: 1.0));
        block.train();
        var x = RandomInput(22, 1, 8, 16, 16);

        torch.manual_seed(1);
        var first = block.forward(x);
        var second = block.forward(x);
        torch.manual_seed(1);
        var repeated = block.forward(x);

        Assert.False(Same(first, second));
        Assert.True(Same(first, repeated)); // fresh draws still come from the seeded global generator
    }

    [Fact]
    public void GammaZeroIsTheExactIdentity()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(4);
        var block = new LshAttention2d("lsh", 6, new LshAttentionOptions(Heads: 3, ChunkSize: 8, Buckets: 4));
        var x = torch.randn(2, 6, 10, 9);

        Assert.Equal(0f, block.Gamma.item<float>());
        Assert.True(Same(x, block.forward(x)));
    }

    [Theory]
    [InlineData(23, 17)]
    [InlineData(1, 1)]
    [InlineData(5, 130)]
    public void OutputShapeEqualsInputShape(int height, int width)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        var block = new LshAttention2d("lsh", 16, new LshAttentionOptions(GammaInit: 1.0));
        var x = torch.randn(2, 16, height, width);

        var y = block.forward(x);

        Assert.Equal(x.shape, y.shape);
        Assert.False(y.isnan().any().item<bool>());
    }

    [Fact]
    public void AutomaticBucketsFillAboutOneChunkEach()
    {
        using var block = new LshAttention2d("lsh", 8, new LshAttentionOptions(ChunkSize: 64));
        Assert.Equal(1, block.BucketCount(64));      // one chunk: nothing to separate
        Assert.Equal(2, block.BucketCount(65));      // two chunks
        Assert.Equal(8, block.BucketCount(23 * 17)); // 391 positions -> 7 chunks -> 8 buckets (even)
        Assert.Equal(7, block.ChunkCount(23 * 17));
    }

    [Theory]
    [InlineData(10, 3, 2, 64, 0)]  // channels not divisible by heads
    [InlineData(8, 2, 0, 64, 0)]   // no rounds
    [InlineData(8, 2, 2, 0, 0)]    // empty chunks
    [InlineData(8, 2, 2, 64, 3)]   // odd bucket count
    public void BadSettingsAreRejectedWithAClearMessage(int channels, int heads, int rounds, int chunkSize, int buckets)
    {
        var error = Assert.Throws<CovidSegException>(() =>
            new LshAttention2d("lsh", channels, new LshAttentionOptions(heads, rounds, chunkSize, buckets)));
        Assert.StartsWith("LSH attention:", error.Message);
    }

    [Fact]
    public void WrongChannelCountIsRejected()
    {
        using var scope = torch.NewDisposeScope();
        using var block = new LshAttention2d("dec1", 8, new LshAttentionOptions());
        var error = Assert.Throws<CovidSegException>(() => block.forward(torch.zeros(1, 6, 4, 4)));
        Assert.Contains("dec1", error.Message);
        Assert.Contains("N x 8 x H x W", error.Message);
    }
}
