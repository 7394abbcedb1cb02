using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CovidSeg.Models;

/// <summary>
/// Residual multi-head self-attention over the H*W positions of an N x C x H x W feature map with a shared
/// query/key projection, as in the Reformer (Kitaev, Kaiser, Levskaya 2020, section 2): one learned projection gives
/// the queries, the keys are the L2-normalised queries, a separate projection gives the values.
/// <para>
/// y = x + gamma * W_out(attention(LayerNorm(x))), where LayerNorm normalises each position's C channels
/// (pre-norm, as in Transformer blocks: it keeps the dot products in a range the softmax can use whatever the scale
/// of the decoder features) and gamma is a learnable scalar (0 at start by default, so the block starts as the
/// identity). Subclasses decide which keys each query sees: all of them (<see cref="FullSelfAttention2d"/>) or those
/// hashed near it (<see cref="LshAttention2d"/>).
/// </para>
/// </summary>
public abstract class SharedQkSelfAttention2d : nn.Module<Tensor, Tensor>
{
    /// <summary>
    /// Added to a position's score with itself, so it attends to itself only when nothing else is available (Reformer
    /// section 2; the scores of unit keys are bounded by |q| / sqrt(d), far above this).
    /// </summary>
    public const double SelfScore = -1e5;

    private readonly LayerNorm norm;
    private readonly Linear queryKey;
    private readonly Linear value;
    private readonly Linear output;
    private readonly Parameter gamma;

    public int Channels { get; }
    public int Heads { get; }
    public int HeadDim => Channels / Heads;

    /// <summary>The learnable residual scale gamma.</summary>
    public Parameter Gamma => gamma;

    protected SharedQkSelfAttention2d(string name, int channels, int heads, double gammaInit) : base(name)
    {
        if (channels < 1 || heads < 1 || channels % heads != 0)
            throw new CovidSegException($"self-attention '{name}': {channels} channels cannot be split into {heads} heads.");
        Channels = channels;
        Heads = heads;
        norm = nn.LayerNorm(channels);
        queryKey = nn.Linear(channels, channels, hasBias: false);
        value = nn.Linear(channels, channels, hasBias: false);
        output = nn.Linear(channels, channels);
        gamma = new Parameter(torch.tensor(gammaInit, dtype: float32).reshape(1));
        register_module("norm", norm);
        register_module("query_key", queryKey);
        register_module("value", value);
        register_module("output", output);
        register_parameter("gamma", gamma);
    }

    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != Channels)
            throw new CovidSegException(
                $"self-attention '{GetName()}': expected an N x {Channels} x H x W tensor, got [{string.Join(", ", input.shape)}].");
        using var scope = torch.NewDisposeScope();
        long n = input.shape[0], h = input.shape[2], w = input.shape[3], length = h * w;
        var tokens = norm.call(input.flatten(2).transpose(1, 2)); // N x L x C; call (not forward) so forward hooks see the layers
        var queries = SplitHeads(queryKey.call(tokens), n, length);
        var values = SplitHeads(value.call(tokens), n, length);
        var attended = Attend(queries, values) // N x heads x L x d
            .permute(0, 2, 1, 3).reshape(n, length, Channels);
        var projected = output.call(attended).transpose(1, 2).reshape(n, Channels, h, w);
        return (input + gamma * projected).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The attention itself: <paramref name="queries"/> and <paramref name="values"/> are N x heads x L x d; returns
    /// N x heads x L x d. Keys are <see cref="Keys"/>(queries); scores are scaled by 1/sqrt(d); a position's score
    /// with itself is lowered by <see cref="SelfScore"/>.
    /// </summary>
    protected abstract Tensor Attend(Tensor queries, Tensor values);

    /// <summary>
    /// Elements of the largest tensor one forward pass makes for a batch of N x C x height x width (the attention
    /// scores), an analytic measure of how the memory grows with the image size.
    /// </summary>
    public abstract long LargestIntermediateElements(int batch, int height, int width);

    /// <summary>
    /// Multiply-accumulates of the matrix products inside <see cref="Attend"/> (hashing, scores, mixing) for a batch
    /// of <paramref name="batch"/> maps of <paramref name="positions"/> positions, summed over heads (and rounds).
    /// The projections are linear layers and are counted where they run (<see cref="ModelSummary"/> hooks them);
    /// LayerNorm, softmax, sorting and gathering are not counted.
    /// </summary>
    public abstract long AttendMacs(long batch, long positions);

    /// <summary>The shared-QK keys: the queries scaled to unit length (Reformer, section 2).</summary>
    public static Tensor Keys(Tensor queries) => F.normalize(queries, p: 2, dim: -1);

    private Tensor SplitHeads(Tensor tokens, long n, long length) =>
        tokens.reshape(n, length, Heads, HeadDim).permute(0, 2, 1, 3);
}
