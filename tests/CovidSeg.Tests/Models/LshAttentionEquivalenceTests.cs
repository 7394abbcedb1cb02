using CovidSeg.Models;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using static CovidSeg.Tests.Models.LshAttentionTestKit;

namespace CovidSeg.Tests.Models;

/// <summary>LSH attention reduces to full softmax attention when hashing cannot separate any positions.</summary>
public class LshAttentionEquivalenceTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(1, 8, 7, 5, 2, 1)]     // L = 35, one bucket
    [InlineData(2, 12, 9, 13, 3, 0)]   // L = 117, automatic buckets (one chunk -> one bucket)
    [InlineData(1, 6, 1, 11, 1, 8)]    // L = 11, eight buckets but one chunk: every bucket is seen
    public void OneChunkOneRoundEqualsFullAttention(int n, int channels, int height, int width, int heads, int buckets)
    {
        using var scope = torch.NewDisposeScope();
        var options = new LshAttentionOptions(Heads: heads, Rounds: 1, ChunkSize: height * width, Buckets: buckets, GammaInit: 1.0);
        var (lsh, full) = Twins(channels, options);
        var x = RandomInput(11, n, channels, height, width);

        var expected = full.forward(x) - x;
        var actual = lsh.forward(x) - x;

        Assert.True(expected.abs().max().item<double>() > 1e-3, "the attention must contribute to the output");
        Assert.True(RelativeError(actual, expected) < Tolerance, $"relative error {RelativeError(actual, expected)}");
    }

    [Fact]
    public void SeveralRoundsInOneBucketEqualFullAttention()
    {
        using var scope = torch.NewDisposeScope();
        var options = new LshAttentionOptions(Heads: 2, Rounds: 3, ChunkSize: 200, Buckets: 1, GammaInit: 0.7);
        var (lsh, full) = Twins(10, options);
        var x = RandomInput(12, 2, 10, 11, 7);

        Assert.True(RelativeError(lsh.forward(x) - x, full.forward(x) - x) < Tolerance);
    }

    [Fact]
    public void TwoPaddedChunksInOneBucketEqualFullAttention()
    {
        // L = 35 in chunks of 20: the second chunk holds 15 positions and 5 padded slots. With look-one-back each chunk
        // sees both chunks, i.e. every position once, so this is full attention exactly when padding is never attended.
        using var scope = torch.NewDisposeScope();
        var options = new LshAttentionOptions(Heads: 2, Rounds: 2, ChunkSize: 20, Buckets: 1, GammaInit: 1.0);
        var (lsh, full) = Twins(8, options);
        var x = RandomInput(13, 1, 8, 7, 5);

        Assert.True(RelativeError(lsh.forward(x) - x, full.forward(x) - x) < Tolerance);
    }

    [Fact]
    public void EachChunkSeesItselfAndThePreviousChunkWrappingAround()
    {
        // One bucket keeps positions in order, so with chunks of 7 over L = 30 (5 chunks, the last padded) a position
        // in chunk c attends exactly to chunks c and c - 1 (mod 5). Compare with masked full attention built here.
        using var scope = torch.NewDisposeScope();
        const int channels = 4, heads = 2, chunk = 7;
        const long height = 5, width = 6, length = height * width, chunks = 5;
        var options = new LshAttentionOptions(Heads: heads, Rounds: 1, ChunkSize: chunk, Buckets: 1, GammaInit: 1.0);
        var (lsh, _) = Twins(channels, options);
        var x = RandomInput(14, 1, channels, height, width);

        var chunkOf = torch.arange(length, dtype: ScalarType.Int64).div(chunk, rounding_mode: RoundingMode.floor);
        var sameChunk = chunkOf.unsqueeze(1).eq(chunkOf.unsqueeze(0));
        var previousChunk = chunkOf.add(chunks - 1).remainder(chunks).unsqueeze(1).eq(chunkOf.unsqueeze(0));
        var allowed = sameChunk.logical_or(previousChunk);
        Assert.False(allowed.all().item<bool>()); // the band must actually exclude pairs

        var expected = MaskedReference(lsh, x, allowed, heads) - x;
        Assert.True(RelativeError(lsh.forward(x) - x, expected) < Tolerance);
    }

    /// <summary>The block's formula written out with an explicit allowed-pairs mask (L x L) and the self rule.</summary>
    private static Tensor MaskedReference(LshAttention2d block, Tensor x, Tensor allowed, int heads)
    {
        var p = block.state_dict();
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3], length = h * w, d = c / heads;
        var tokens = F.layer_norm(x.flatten(2).transpose(1, 2), [c], p["norm.weight"], p["norm.bias"]);
        var q = tokens.matmul(p["query_key.weight"].t()).reshape(n, length, heads, d).permute(0, 2, 1, 3);
        var v = tokens.matmul(p["value.weight"].t()).reshape(n, length, heads, d).permute(0, 2, 1, 3);
        var k = q / q.norm(-1, keepdim: true);
        var scores = q.matmul(k.transpose(-1, -2)) / Math.Sqrt(d);
        scores = scores.add(torch.eye(length, dtype: ScalarType.Float64).mul(-1e5)).masked_fill(allowed.logical_not(), double.NegativeInfinity);
        var attended = scores.softmax(-1).matmul(v).permute(0, 2, 1, 3).reshape(n, length, c);
        var projected = attended.matmul(p["output.weight"].t()) + p["output.bias"];
        return x + p["gamma"] * projected.transpose(1, 2).reshape(n, c, h, w);
    }
}
