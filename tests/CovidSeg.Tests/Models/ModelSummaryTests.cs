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
    public void AttentionEstimateFollowsItsFormula()
    {
        var options = new LshAttentionOptions(Heads: 2, Rounds: 2, ChunkSize: 64, Buckets: 0);
        // 256 positions, chunks of 64 -> 4 buckets; each query sees 128 keys. Per round: hashing 256 x 8 x 4/2, scores
        // and mixing 2 x 256 x 128 x 8.
        long perRound = 256 * 8 * 2 + 2 * 256 * 128 * 8;
        Assert.Equal(2 * perRound, ModelSummary.LshAttentionMacs(256, 8, options));
        // Fewer positions than a chunk: one chunk, every position sees all of them.
        Assert.Equal(2 * (10 * 8 * 1 + 2 * 10 * 10 * 8), ModelSummary.LshAttentionMacs(10, 8, options));
    }

    [Fact]
    public void AttentionCostAppearsOnlyInTheAttendedLevels()
    {
        var options = TinyConfigs.Narrow("res-attention-unet") with { AttentionLevels = [1] };
        using var net = ModelFactory.Create(options, seed: 1);
        var summary = ModelSummary.Compute(net, 64, 64);
        var attended = summary.Blocks.Single(b => b.AttentionMacs > 0);
        Assert.Equal("decoder1", attended.Name);
        // Decoder level 1 of a depth-4 network on 64 x 64 works at 16 x 16 on 2 x 16 channels.
        Assert.True(attended.AttentionMacs >= ModelSummary.LshAttentionMacs(256, 32, options.Attention));
        Assert.True(attended.Macs > attended.AttentionMacs);
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
