using CovidSeg.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Models;

/// <summary>
/// <see cref="LshAttention2d"/> as it was written before issue 16 (item 4) made it faster: the plain formulation
/// (gather the sorted queries and values, pad with zeros, normalise, copy each chunk's look-back keys, one round after
/// the other in the hashing), kept unchanged as the reference the production block must equal, forward and backward.
/// </summary>
public sealed class ReferenceLshAttention2d : SharedQkSelfAttention2d
{
    /// <summary>Score of a padded key: far below <see cref="SharedQkSelfAttention2d.SelfScore"/>, so a lone position still prefers itself.</summary>
    private const double PaddingScore = -1e9;

    /// <summary>Upper bound on the elements of one slice of hash projections, so hashing memory does not grow with L * buckets.</summary>
    private const long HashSliceElements = 1L << 22;

    private readonly Dictionary<string, Tensor> fixedRotations = new(StringComparer.Ordinal);

    public LshAttentionOptions Options { get; }

    public ReferenceLshAttention2d(string name, int channels, LshAttentionOptions options)
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
        long half = BucketCount(length) / 2;
        long hashSlice = half == 0 ? 0 : (long)batch * Heads * Math.Min(length, HashSliceLength(batch, half)) * half;
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
        long batch = n * heads * rounds; // one sorted sequence per (image, head, round)
        var device = queries.device;

        // Sort order of each (image, head, round): by bucket, then by position (keys are unique, so the sort is stable).
        Tensor order;
        using (torch.no_grad())
        {
            var buckets = HashBuckets(queries, BucketCount(length));
            var positions = torch.arange(length, dtype: ScalarType.Int64, device: device);
            order = (buckets * length + positions).argsort(-1).reshape(batch, length);
        }

        // Gather the sorted queries and values through flat row indices into the N*heads*L rows.
        var sequenceStart = torch.arange(n * heads, dtype: ScalarType.Int64, device: device)
            .mul(length).unsqueeze(1).expand(n * heads, rounds).reshape(batch, 1);
        var flatOrder = (order + sequenceStart).flatten();
        var sortedQueries = queries.reshape(n * heads * length, dim).index_select(0, flatOrder).view(batch, length, dim);
        var sortedValues = values.reshape(n * heads * length, dim).index_select(0, flatOrder).view(batch, length, dim);
        if (padded > length)
        {
            long extra = padded - length;
            var zeros = torch.zeros(batch, extra, dim, dtype: queries.dtype, device: device);
            sortedQueries = torch.cat([sortedQueries, zeros], 1);
            sortedValues = torch.cat([sortedValues, zeros], 1);
        }

        // Scale the small queries rather than the large scores.
        var chunkQueries = sortedQueries.mul(1.0 / Math.Sqrt(dim)).view(batch, chunks, chunk, dim);
        var chunkKeys = Keys(sortedQueries).view(batch, chunks, chunk, dim);
        var chunkValues = sortedValues.view(batch, chunks, chunk, dim);
        if (chunks > 1)
        {
            chunkKeys = LookOneBack(chunkKeys);
            chunkValues = LookOneBack(chunkValues);
        }

        // In place: matmul's backward keeps its inputs, not its output, so this saves one scores-sized copy.
        var scores = chunkQueries.matmul(chunkKeys.transpose(-1, -2)) // batch x chunks x chunk x keys
            .add_(ScoreBias(length, chunk, chunks, queries.dtype, device));
        var weights = scores.softmax(-1);
        var attended = weights.matmul(chunkValues);

        // Undo the sort: row i of the sorted sequence holds position order[i].
        var undo = torch.empty_like(order).scatter_(1, order, torch.arange(length, dtype: ScalarType.Int64, device: device).expand(batch, length));
        var flatUndo = (undo + torch.arange(batch, dtype: ScalarType.Int64, device: device).mul(length).unsqueeze(1)).flatten();
        var perRound = attended.view(batch, padded, dim).narrow(1, 0, length).reshape(batch * length, dim)
            .index_select(0, flatUndo).view(n, heads, rounds, length, dim);
        if (rounds == 1) return perRound.squeeze(2).MoveToOuterDisposeScope();
        // log-sum-exp of each query's scores, from what softmax already computed: the largest score minus the log of its
        // weight (that weight is at least 1 / keys, so the log is well conditioned; the gradient is the softmax, as it must be).
        var normaliser = scores.max(-1).values.sub(weights.max(-1).values.log());
        var roundNormaliser = normaliser.view(batch, padded).narrow(1, 0, length).gather(1, undo)
            .view(n, heads, rounds, length);
        var roundWeights = roundNormaliser.softmax(2).unsqueeze(-1); // exp(lse_r - logsumexp over rounds)
        return perRound.mul(roundWeights).sum(2).MoveToOuterDisposeScope();
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
    /// Bucket of every position for every head and round: N x heads x rounds x L, in [0, buckets). Hashes slices of
    /// positions at a time so the projections never take more than <see cref="HashSliceElements"/> elements.
    /// </summary>
    private Tensor HashBuckets(Tensor queries, int buckets)
    {
        long n = queries.shape[0], heads = queries.shape[1], length = queries.shape[2], dim = queries.shape[3];
        int rounds = Options.Rounds;
        var result = torch.zeros(n, heads, rounds, length, dtype: ScalarType.Int64, device: queries.device);
        if (buckets == 1) return result;
        using var scope = torch.NewDisposeScope();
        long half = buckets / 2;
        var rotations = Rotations(heads, dim, half, queries.dtype, queries.device); // heads x rounds x d x half
        var unit = Keys(queries);
        long slice = HashSliceLength(n, half);
        for (int round = 0; round < rounds; round++)
        {
            var rotation = rotations.select(1, round); // heads x d x half, broadcast over the batch
            for (long start = 0; start < length; start += slice)
            {
                using var sliceScope = torch.NewDisposeScope();
                long count = Math.Min(slice, length - start);
                var projected = unit.narrow(2, start, count).matmul(rotation); // N x heads x count x half
                var (highest, highestAt) = projected.max(-1);
                var (lowest, lowestAt) = projected.min(-1);
                // argmax over [xR, -xR]: the largest positive projection, or the most negative one in the second half.
                var bucket = torch.where(highest.ge(lowest.neg()), highestAt, lowestAt.add(half));
                result.select(2, round).narrow(2, start, count).copy_(bucket);
            }
        }
        return result;
    }

    private long HashSliceLength(long n, long half) => Math.Max(1, HashSliceElements / Math.Max(1, n * Heads * half));

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
