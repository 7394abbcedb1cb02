using CovidSeg.Cli;
using CovidSeg.Cli.Commands;
using CovidSeg.Models;
using System.CommandLine;

namespace CovidSeg.Tests.Models;

public class ModelSummaryTests
{
    [Fact]
    public void TinyUNetCostMatchesAHandCount()
    {
        using var net = ModelFactory.Create(new ModelOptions { Arch = "unet", BaseWidth = 2, Depth = 1, Classes = 2, Norm = NormKind.None }, seed: 1);
        var summary = ModelSummary.Compute(net, 8, 8);
        Assert.Equal(new[] { "encoder0", "bridge", "decoder0", "head" }, summary.Blocks.Select(b => b.Name));
        // Output elements x in/groups x k x k for each convolution; transposed: input elements x out x k x k.
        long encoder = 2 * 64 * (1 * 9) + 2 * 64 * (2 * 9);        // 8 x 8, 1->2, 2->2
        long bridge = 4 * 16 * (2 * 9) + 4 * 16 * (4 * 9);         // 4 x 4, 2->4, 4->4
        long decoder = 4 * 16 * (2 * 4)                            // transposed 4->2 from a 4 x 4 input
                     + 2 * 64 * (4 * 9) + 2 * 64 * (2 * 9);        // 8 x 8, 4->2, 2->2
        long head = 2 * 64 * 2;
        Assert.Equal(new[] { encoder, bridge, decoder, head }, summary.Blocks.Select(b => b.Macs));
        Assert.Equal(14592, summary.TotalMacs);
        Assert.Equal(2 * 14592, summary.TotalFlops);
        Assert.Equal(434, summary.TotalParameters);
        Assert.Equal(new long[] { 1, 4, 4, 4 }, summary.Blocks[1].OutputShape);
        Assert.Equal(new long[] { 1, 2, 8, 8 }, summary.Blocks[3].OutputShape);
        Assert.All(summary.Blocks, b => Assert.Equal(0, b.AttentionMacs));
        Assert.Equal(0, summary.TotalAttentionParameters);
    }

    [Fact]
    public void SummaryPadsLikeTheForwardPassAndLeavesTheModeAlone()
    {
        using var net = ModelFactory.Create(TinyConfigs.Narrow("unet"), seed: 1);
        net.train();
        var summary = ModelSummary.Compute(net, 369, 255);
        Assert.True(net.training);
        Assert.Equal((384L, 256L), (summary.PaddedHeight, summary.PaddedWidth));
        Assert.Equal(new long[] { 1, 3, 384, 256 }, summary.Blocks[^1].OutputShape);
        Assert.Equal(TinyConfigs.ParameterCount(net), summary.TotalParameters);
    }

    [Fact]
    public void AttentionLayerParametersAndCostMatchAHandCount()
    {
        // Depth 1, base width 2: decoder0 joins 2 skip + 2 up-sampled channels, C = 4, on the 8 x 8 grid (L = 64).
        var options = new ModelOptions
        {
            Arch = "lsh-attention-unet", BaseWidth = 2, Depth = 1, Classes = 2, Norm = NormKind.None, AttentionLevels = [0],
            Attention = new LshAttentionOptions(Heads: 2, Rounds: 2, ChunkSize: 16),
        };
        using var net = ModelFactory.Create(options, seed: 1);
        var summary = ModelSummary.Compute(net, 8, 8);

        const long c = 4, l = 64;
        // LayerNorm scale + shift, bias-free query/key and value projections, output projection with bias, gamma.
        long attentionParameters = 2 * c + c * c + c * c + (c * c + c) + 1;
        Assert.Equal(61, attentionParameters);
        // 64 positions in chunks of 16: 4 chunks, 4 buckets (2 rotation directions), each query sees 2 x 16 keys.
        long projections = 3 * l * c * c;                          // three linear layers, L x C x C each
        long hashing = l * c * 2;                                   // unit queries x rotations, all heads: L x C x buckets/2
        long scoresAndMixing = 2 * l * 32 * c;                      // q.k and weights.v over 32 keys, all heads
        long attentionMacs = projections + 2 * (hashing + scoresAndMixing);
        Assert.Equal(3072 + 2 * (512 + 16384), attentionMacs);

        var decoder = summary.Blocks.Single(b => b.Name == "decoder0");
        Assert.Equal(attentionParameters, decoder.AttentionParameters);
        Assert.Equal(146 + 61, decoder.Parameters);                 // the hand-counted plain decoder0 (ParameterCountTests) + attention
        Assert.Equal(attentionMacs, decoder.AttentionMacs);
        long plainDecoder = 4 * 16 * (2 * 4) + 2 * 64 * (4 * 9) + 2 * 64 * (2 * 9);
        Assert.Equal(plainDecoder + attentionMacs, decoder.Macs);
        Assert.Equal(434 + 61, summary.TotalParameters);
        Assert.Equal(61, summary.TotalAttentionParameters);
        Assert.Equal(14592 + attentionMacs, summary.TotalMacs);
    }

    [Fact]
    public void AttendCostFollowsTheChunking()
    {
        using var lsh = new LshAttention2d("a", 8, new LshAttentionOptions(Heads: 2, Rounds: 3, ChunkSize: 64));
        // 256 positions: 4 chunks, 4 buckets; each query scores and mixes 128 keys.
        Assert.Equal(3 * (256 * 8 * 2 + 2 * 256 * 128 * 8), lsh.AttendMacs(1, 256));
        // 100 positions: 2 chunks of 64 (28 padded slots are computed too), 2 buckets.
        Assert.Equal(2 * 3 * (100 * 8 * 1 + 2 * 128 * 128 * 8), lsh.AttendMacs(2, 100));
        // Fewer positions than a chunk: one chunk, one bucket (no hashing), each position sees all 10.
        Assert.Equal(3 * (2 * 10 * 10 * 8), lsh.AttendMacs(1, 10));
        using var full = new FullSelfAttention2d("f", 8);
        Assert.Equal(2 * 100 * 100 * 8, full.AttendMacs(1, 100));
    }

    [Fact]
    public void AttentionCostAppearsOnlyInTheAttendedLevels()
    {
        var options = TinyConfigs.Narrow("res-attention-unet") with { AttentionLevels = [1] };
        using var net = (UNetFamilyNetwork)ModelFactory.Create(options, seed: 1);
        var summary = ModelSummary.Compute(net, 64, 64);
        var attended = summary.Blocks.Single(b => b.AttentionMacs > 0);
        Assert.Equal("decoder1", attended.Name);
        // Decoder level 1 of a width-8, depth-4 network on 64 x 64 works at 16 x 16 on 32 skip + 32 up-sampled channels.
        var layer = (LshAttention2d)net.DecoderBlocks[1].Attention!;
        Assert.Equal(64, layer.Channels);
        Assert.Equal(3L * 256 * 64 * 64 + layer.AttendMacs(1, 256), attended.AttentionMacs);
        Assert.Equal(3 * 64 * 64 + 3 * 64 + 1, attended.AttentionParameters);
        Assert.True(attended.Macs > attended.AttentionMacs);
        Assert.All(summary.Blocks.Where(b => b.Name != "decoder1"), b => Assert.Equal(0, b.AttentionParameters));
    }

    [Fact]
    public void SummaryVerbPrintsATableAndRejectsUnknownNetworks()
    {
        var root = new RootCommand();
        root.Subcommands.Add(SummaryCommand.Create());
        Assert.Equal(CommandRunner.Success, CommandRunner.Invoke(root, ["summary", "--arch", "resnext-unet", "--size", "40", "--width", "8", "--cardinality", "4", "--classes", "4"]));
        Assert.Equal(CommandRunner.Failure, CommandRunner.Invoke(root, ["summary", "--arch", "segnet", "--size", "40"]));
        Assert.Equal(CommandRunner.Failure, CommandRunner.Invoke(root, ["summary", "--arch", "resnext-unet", "--width", "8"]));
        Assert.Equal(CommandRunner.Failure, CommandRunner.Invoke(root, ["summary", "--attention-levels", "0,x"]));
    }
}
