using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Models;

/// <summary>
/// Reformer LSH self-attention over the H*W positions of a feature map (Kitaev, Kaiser, Levskaya, "Reformer: The
/// Efficient Transformer", ICLR 2020, section 3), the attention of the Residual Attention U-Net decoder (Chen, Yao,
/// Zhang 2020, section II-C; our reading in docs/model.md, section "LSH attention", and the paper notes).
/// <para>
/// Per head and hash round, a random rotation R (d x buckets/2) sends each position's unit query x to bucket
/// argmax([xR, -xR]). Positions are sorted by (bucket, position), cut into equal chunks (the last one padded; padded
/// positions are never attended to), and each chunk attends to itself and the chunk before it (wrapping around).
/// A position attends to itself only when nothing else is there; there is no causal mask, an image has no order.
/// The rounds are combined by their log-sum-exp normalisers: out = sum_r exp(lse_r - logsumexp_r lse_r) out_r.
/// Everything is batched tensor work (one product hashes all rounds, one gather per tensor builds every chunk with
/// its look-back, one bmm covers all chunks of all heads and rounds); memory grows linearly with the number of
/// positions: the scores take heads x rounds x L x 2*ChunkSize elements.
/// </para>
/// <para>
/// Rotations are drawn from torch's global generator on every call in training mode and from a generator seeded with
/// <see cref="LshAttentionOptions.Seed"/> in evaluation mode (cached per shape), so inference is deterministic.
/// </para>
/// </summary>
public sealed class LshAttention2d : SharedQkSelfAttention2d
{
    /// <summary>Score of a padded key: far below <see cref="SharedQkSelfAttention2d.SelfScore"/>, so a lone position still prefers itself.</summary>
    private const double PaddingScore = -1e9;

    /// <summary>Upper bound on the elements of one slice of hash projections, so hashing memory does not grow with L * buckets.</summary>
    private const long HashSliceElements = 1L << 22;

    private readonly Dictionary<string, Tensor> fixedRotations = new(StringComparer.Ordinal);

    public LshAttentionOptions Options { get; }

    public LshAttention2d(string name, int channels, LshAttentionOptions options)
        : base(name, channels, Validated(options, channels).Heads, options.GammaInit)
    {
        Options = options;
    }

    /// <summary>Buckets per round used for a map of <paramref name="length"/> positions (resolves Buckets = 0).</summary>
    public int BucketCount(long length)
    {
        if (Options.Buckets > 0) return Options.Buckets;
        long chunks = ChunkCount(length);
        if (chunks <= 1) return 1;
        return (int)Math.Min(int.MaxValue - 1, chunks + chunks % 2);
    }

    /// <summary>Positions per chunk for a map of <paramref name="length"/> positions: ChunkSize, or L when smaller.</summary>
    public long ChunkLength(long length) => Math.Min(Options.ChunkSize, length);

    /// <summary>Chunks the sorted positions are cut into (the last padded to full length).</summary>
    public long ChunkCount(long length) => (length + ChunkLength(length) - 1) / ChunkLength(length);

    public override long LargestIntermediateElements(int batch, int height, int width)
    {
        long length = (long)height * width;
        long chunk = ChunkLength(length), chunks = ChunkCount(length);
        long keysPerQuery = chunks > 1 ? 2 * chunk : chunk;
        long scores = (long)batch * Heads * Options.Rounds * chunks * chunk * keysPerQuery;
        long projections = Options.Rounds * (BucketCount(length) / 2L); // all rounds are hashed in one product
        long hashSlice = projections == 0 ? 0 : (long)batch * Heads * Math.Min(length, HashSliceLength(batch, projections)) * projections;
        return Math.Max(scores, hashSlice);
    }

    /// <summary>
    /// Per round: hashing multiplies each unit query by a d x buckets/2 rotation in every head (N x L x C x buckets/2;
    /// nothing with one bucket); each of the chunk x chunks sorted slots (the padded ones included, they are computed)
    /// scores and mixes the keys of its chunk and the one before (2 x N x padded x keys x C, keys = 2 x chunk, or chunk
    /// when there is one chunk).
    /// </summary>
    public override long AttendMacs(long batch, long positions)
    {
        long chunk = ChunkLength(positions), chunks = ChunkCount(positions);
        long keys = chunks > 1 ? 2 * chunk : chunk;
        int buckets = BucketCount(positions);
        long hashing = buckets > 1 ? batch * positions * Channels * (buckets / 2) : 0;
        long scoresAndMixing = 2 * batch * chunks * chunk * keys * Channels;
        return Options.Rounds * (hashing + scoresAndMixing);
    }

    protected override Tensor Attend(Tensor queries, Tensor values)
    {
        using var scope = torch.NewDisposeScope();
        long n = queries.shape[0], heads = queries.shape[1], length = queries.shape[2], dim = queries.shape[3];
        int rounds = Options.Rounds;
        long chunk = ChunkLength(length), chunks = ChunkCount(length), padded = chunk * chunks;
        long keysPerQuery = chunks > 1 ? 2 * chunk : chunk;
        long sequences = n * heads, batch = sequences * rounds; // one sorted sequence per (image, head, round)
        var device = queries.device;

        // Normalised once for every round: the keys of the sorted queries are the sorted keys.
        var keys = Keys(queries);

        // Sort order of each (image, head, round): by bucket, then by position (keys are unique, so the sort is stable).
        // Then the row each sorted slot reads, and the rows each chunk's keys come from. Rows are those of the
        // projections' own N x L x heads layout (row (image * L + position) * heads + head), which needs no copy.
        Tensor order, querySlots, keySlots;
        using (torch.no_grad())
        {
            var buckets = HashBuckets(keys, BucketCount(length));
            var positions = torch.arange(length, dtype: ScalarType.Int64, device: device);
            order = (buckets * length + positions).argsort(-1).reshape(batch, length);
            var sequenceStart = torch.arange(n, dtype: ScalarType.Int64, device: device).mul(length * heads).unsqueeze(1)
                .add(torch.arange(heads, dtype: ScalarType.Int64, device: device)) // n x heads
                .view(sequences, 1).expand(sequences, rounds).reshape(batch, 1);
            var rows = order.mul(heads).add_(sequenceStart);
            // Padded slots read real rows instead of zeros: PaddingScore gives their keys a weight of exactly 0 and
            // their queries' outputs are dropped, so what they hold never shows, and no zero-padded copy is made.
            if (padded > length) rows = torch.cat([rows, rows.narrow(1, 0, padded - length)], 1);
            var chunked = rows.view(batch, chunks, chunk);
            querySlots = chunked.flatten();
            keySlots = (chunks > 1 ? LookOneBack(chunked) : chunked).flatten();
        }

        // One gather each, the look-back included: no sorted copy, no zero padding, no concatenation of keys or values.
        // Scale the small queries rather than the large scores.
        var chunkQueries = Rows(queries.mul(1.0 / Math.Sqrt(dim))).index_select(0, querySlots).view(batch, chunks, chunk, dim);
        var chunkKeys = Rows(keys).index_select(0, keySlots).view(batch, chunks, keysPerQuery, dim);
        var chunkValues = Rows(values).index_select(0, keySlots).view(batch, chunks, keysPerQuery, dim);

        // In place: matmul's backward keeps its inputs, not its output, so this saves one scores-sized copy.
        var scores = chunkQueries.matmul(chunkKeys.transpose(-1, -2)) // batch x chunks x chunk x keys
            .add_(ScoreBias(length, chunk, chunks, queries.dtype, device));
        var weights = scores.softmax(-1);
        var attended = weights.matmul(chunkValues);

        // Undo the sort (row i of the sorted sequence holds position order[i]) straight into an N x L x heads x rounds
        // layout, so the result is a view of N x L x C that the output projection takes without a copy.
        var undo = torch.empty_like(order).scatter_(1, order, torch.arange(length, dtype: ScalarType.Int64, device: device).expand(batch, length));
        var undoRows = (undo + torch.arange(batch, dtype: ScalarType.Int64, device: device).mul(padded).unsqueeze(1))
            .view(n, heads, rounds, length).permute(0, 3, 1, 2).flatten();
        var perRound = attended.reshape(batch * padded, dim).index_select(0, undoRows).view(n, length, heads, rounds, dim);
        if (rounds == 1) return perRound.view(n, length, heads, dim).permute(0, 2, 1, 3).MoveToOuterDisposeScope();
        var normaliser = LogSumExp(scores, weights);
        var roundNormaliser = normaliser.view(batch, padded).gather(1, undo).view(n, heads, rounds, length);
        var roundWeights = roundNormaliser.softmax(2).permute(0, 3, 1, 2).unsqueeze(-1); // exp(lse_r - logsumexp over rounds)
        return perRound.mul(roundWeights).sum(3).permute(0, 2, 1, 3).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The N x heads x L x d <paramref name="perHead"/> as N*L*heads rows of d: a view when it is a permuted view of
    /// N x L x heads x d, as the projections' heads are (<see cref="SharedQkSelfAttention2d"/>), a copy otherwise.
    /// </summary>
    private static Tensor Rows(Tensor perHead) => perHead.permute(0, 2, 1, 3).reshape(-1, perHead.shape[3]);

    /// <summary>
    /// log-sum-exp of each row of <paramref name="scores"/> from what softmax already computed (<paramref name="weights"/>):
    /// the largest score minus the log of the largest weight (at least 1 / keys, so the log is well conditioned).
    /// Its gradient, the softmax, is attached directly: scores - scores.detach() is exactly zero and passes gradients
    /// unchanged. That is cheaper than differentiating the two maxima (reductions with indices, then scatters), and
    /// amax, libtorch's values-only reduction, is several times faster than max with indices.
    /// </summary>
    private static Tensor LogSumExp(Tensor scores, Tensor weights)
    {
        Tensor value;
        using (torch.no_grad()) value = scores.amax([-1L]).sub_(weights.amax([-1L]).log_());
        if (!torch.is_grad_enabled() || !scores.requires_grad) return value;
        return scores.sub(scores.detach()).mul_(weights.detach()).sum(-1).add_(value);
    }

    /// <summary>Keys of each chunk followed by those of the chunk before it (chunk 0 looks back to the last chunk).</summary>
    private static Tensor LookOneBack(Tensor chunked)
    {
        long chunks = chunked.shape[1];
        var previous = torch.arange(chunks, dtype: ScalarType.Int64, device: chunked.device).add(chunks - 1).remainder(chunks);
        return torch.cat([chunked, chunked.index_select(1, previous)], 2);
    }

    /// <summary>
    /// What is added to the chunk scores (chunks x chunk x keys, the same for every sequence): the self score on the
    /// diagonal of a chunk's own keys (positions in a sorted sequence are unique, so a query meets itself only there)
    /// and <see cref="PaddingScore"/> for the padded slots at the end of the sorted sequence, which the last chunk holds
    /// and the first chunk sees when it looks back.
    /// </summary>
    private static Tensor ScoreBias(long length, long chunk, long chunks, ScalarType dtype, Device device)
    {
        using var scope = torch.NewDisposeScope();
        long keys = chunks > 1 ? 2 * chunk : chunk;
        var bias = torch.eye(chunk, keys, dtype: dtype, device: device).mul(SelfScore).unsqueeze(0); // 1 x chunk x keys
        if (chunk * chunks > length)
        {
            var padded = torch.arange(chunk * chunks, dtype: ScalarType.Int64, device: device).ge(length).view(1, chunks, chunk);
            if (chunks > 1) padded = LookOneBack(padded);
            bias = bias.add(padded.view(chunks, 1, keys).to(dtype).mul(PaddingScore)); // chunks x chunk x keys
        }
        return bias.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Bucket of every position for every head and round: N x heads x rounds x L, in [0, buckets), from the unit keys
    /// (N x heads x L x d). All rounds in one product per slice of positions, so the projections never take more than
    /// <see cref="HashSliceElements"/> elements.
    /// </summary>
    private Tensor HashBuckets(Tensor keys, int buckets)
    {
        long n = keys.shape[0], heads = keys.shape[1], length = keys.shape[2], dim = keys.shape[3];
        int rounds = Options.Rounds;
        var result = torch.zeros(n, heads, rounds, length, dtype: ScalarType.Int64, device: keys.device);
        if (buckets == 1) return result;
        using var scope = torch.NewDisposeScope();
        long half = buckets / 2;
        // heads x d x (rounds * half): the rounds' rotations side by side, broadcast over the batch.
        var rotations = Rotations(heads, dim, half, keys.dtype, keys.device).permute(0, 2, 1, 3).reshape(heads, dim, rounds * half);
        long slice = HashSliceLength(n, rounds * half);
        for (long start = 0; start < length; start += slice)
        {
            using var sliceScope = torch.NewDisposeScope();
            long count = Math.Min(slice, length - start);
            var projected = keys.narrow(2, start, count).matmul(rotations).view(n, heads, count, rounds, half);
            var (highest, highestAt) = projected.max(-1);
            var (lowest, lowestAt) = projected.min(-1);
            // argmax over [xR, -xR]: the largest positive projection, or the most negative one in the second half.
            var bucket = torch.where(highest.ge(lowest.neg()), highestAt, lowestAt.add(half)); // N x heads x count x rounds
            result.narrow(3, start, count).copy_(bucket.permute(0, 1, 3, 2));
        }
        return result;
    }

    private long HashSliceLength(long n, long projections) => Math.Max(1, HashSliceElements / Math.Max(1, n * Heads * projections));

    /// <summary>heads x rounds x d x buckets/2 Gaussian rotations: fresh in training, seeded and cached in evaluation.</summary>
    private Tensor Rotations(long heads, long dim, long half, ScalarType dtype, Device device)
    {
        long[] shape = [heads, Options.Rounds, dim, half];
        if (training) return torch.randn(shape, dtype: dtype, device: device);
        string key = $"{string.Join('x', shape)}/{dtype}/{device}";
        if (!fixedRotations.TryGetValue(key, out var rotations))
        {
            using var scope = torch.NewDisposeScope();
            using var generator = new torch.Generator(unchecked((ulong)Options.Seed));
            // Drawn in float32 whatever the model's precision, so a float64 copy hashes like the float32 model.
            var drawn = torch.randn(shape, dtype: ScalarType.Float32, generator: generator);
            rotations = drawn.to(dtype, device).DetachFromDisposeScope();
            fixedRotations[key] = rotations;
        }
        return rotations;
    }

    private static LshAttentionOptions Validated(LshAttentionOptions options, int channels)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(channels);
        return options;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var rotations in fixedRotations.Values) rotations.Dispose();
            fixedRotations.Clear();
        }
        base.Dispose(disposing);
    }
}
