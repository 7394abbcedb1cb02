using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Models;

/// <summary>
/// Reference for <see cref="LshAttention2d"/>: the same block (shared query/key, self only when nothing else, residual
/// gamma) with plain full softmax attention over all H*W positions (Vaswani et al. 2017 scaled dot product; the
/// "full attention" baseline of the Reformer paper). Its memory grows with the square of the number of positions, so
/// it serves tests and the memory benchmark only. Parameter names match <see cref="LshAttention2d"/>, so
/// <c>load_state_dict</c> moves weights between the two.
/// </summary>
public sealed class FullSelfAttention2d : SharedQkSelfAttention2d
{
    public FullSelfAttention2d(string name, int channels, int heads = 2, double gammaInit = 0.0)
        : base(name, channels, heads, gammaInit)
    {
    }

    protected override Tensor Attend(Tensor queries, Tensor values)
    {
        using var scope = torch.NewDisposeScope();
        long length = queries.shape[2];
        var scores = queries.mul(1.0 / Math.Sqrt(queries.shape[3])).matmul(Keys(queries).transpose(-1, -2));
        var selfBias = torch.eye(length, dtype: queries.dtype, device: queries.device).mul(SelfScore);
        var weights = scores.add(selfBias).softmax(-1);
        return weights.matmul(values).MoveToOuterDisposeScope();
    }

    public override long LargestIntermediateElements(int batch, int height, int width)
    {
        long length = (long)height * width;
        return batch * Heads * length * length;
    }

    /// <summary>Scores and mixing: every position with every position, 2 x N x L x L x C.</summary>
    public override long AttendMacs(long batch, long positions) => 2 * batch * positions * positions * Channels;
}
