namespace CovidSeg.Models;

/// <summary>
/// Settings of <see cref="LshAttention2d"/> (Reformer LSH self-attention, Kitaev, Kaiser, Levskaya 2020; used in the
/// decoder of the Residual Attention U-Net, Chen, Yao, Zhang 2020, section II-C).
/// </summary>
/// <param name="Heads">Attention heads; the channel count must be divisible by it.</param>
/// <param name="Rounds">Hash rounds; more rounds miss fewer similar pairs at proportional cost.</param>
/// <param name="ChunkSize">Positions per chunk after sorting by bucket; each chunk attends to itself and the one before.</param>
/// <param name="Buckets">
/// Hash buckets per round: 1 (every position in one bucket, no hashing) or an even number; 0 picks about
/// positions / chunk size (rounded up to even), as the Reformer does, so a bucket fills about one chunk.
/// </param>
/// <param name="Seed">Seed of the fixed rotations used in evaluation mode, so inference is deterministic.</param>
/// <param name="GammaInit">
/// Initial value of the learnable residual scale gamma in y = x + gamma * attention(x). 0 (the default) makes the block
/// start as the identity, so inserting it cannot hurt an untrained network.
/// </param>
public sealed record LshAttentionOptions(
    int Heads = 2,
    int Rounds = 2,
    int ChunkSize = 64,
    int Buckets = 0,
    long Seed = 1234,
    double GammaInit = 0.0)
{
    /// <summary>Throws a <see cref="CovidSegException"/> naming the first bad setting for a block of <paramref name="channels"/> channels.</summary>
    public void Validate(int channels)
    {
        if (channels < 1) throw new CovidSegException($"LSH attention: channels must be at least 1, got {channels}.");
        if (Heads < 1) throw new CovidSegException($"LSH attention: Heads must be at least 1, got {Heads}.");
        if (channels % Heads != 0)
            throw new CovidSegException($"LSH attention: {channels} channels are not divisible by {Heads} heads.");
        if (Rounds < 1) throw new CovidSegException($"LSH attention: Rounds must be at least 1, got {Rounds}.");
        if (ChunkSize < 1) throw new CovidSegException($"LSH attention: ChunkSize must be at least 1, got {ChunkSize}.");
        if (Buckets < 0 || (Buckets > 1 && Buckets % 2 != 0))
            throw new CovidSegException($"LSH attention: Buckets must be 0 (automatic), 1 or even, got {Buckets}.");
        if (double.IsNaN(GammaInit) || double.IsInfinity(GammaInit))
            throw new CovidSegException($"LSH attention: GammaInit must be a finite number, got {GammaInit}.");
    }
}
